// Render jobs through the generic runJob: every tile of every frame becomes one job, at most `parallel` of them in
// flight, each frame's dearest tiles first (estimated by a cheap probe; tile-queue.ts); each tile comes back verified
// by a spot re-render (runJob does it for types checked by recomputation), paid, and copied into its frame; a frame
// whose last tile arrives is handed over as a PNG. The only SDK file that knows the render type.
import type { Hex } from "viem";
import {
  createFrameAssembler,
  createTileCostEstimator,
  createTileQueue,
  type PlannedTile,
  planRender,
  type RenderPlan,
  renderResource,
  sharedRenderPool,
  tailWindowFrames,
  tileSamples,
} from "../resources/render/index.ts";
import type { GroundworkClient } from "./client.ts";
import type { PaymentOutcome } from "./payer.ts";
import type { CaughtResult } from "./run-job.ts";

export interface RenderTileEvent {
  frame: number;
  done: number;
  total: number;
  /** Credits spent so far, in token base units (what the verified tiles' providers are paid). */
  cost: bigint;
  provider: Hex;
  /** Tiles in flight now. */
  inFlight: number;
}

export interface RunRenderParams extends RenderPlan {
  /** The most one tile may cost, in token base units. */
  maxPrice: bigint;
  /** Per tile, including its verification. */
  timeoutMs: number;
  /** Tiles in flight at once; default 8. */
  parallel?: number;
  onTile?: (event: RenderTileEvent) => void;
  onCaught?: (caught: CaughtResult) => void;
  onFrame: (frame: number, png: Buffer) => void | Promise<void>;
}

export interface RunRenderResult {
  frames: number;
  tiles: number;
  samples: number;
  cost: bigint;
  /** Distinct providers paid, with the tiles each rendered. */
  providers: { nodeKey: Hex; owner: Hex; tiles: number; paid: bigint }[];
  /** Results caught by the spot re-render: not paid, claimed against, rendered again elsewhere. */
  caught: CaughtResult[];
  reroutes: number;
  /** Time spent re-rendering pixels to check tiles, and the providers' own render time for the tiles accepted. */
  verification: { pixelsChecked: number; verifyMs: number; renderMs: number };
  /** Whether every voucher reached the gateway. */
  vouchersDelivered: boolean;
  ms: number;
}

export async function runRender(client: GroundworkClient, params: RunRenderParams): Promise<RunRenderResult> {
  const started = performance.now();
  const { tiles, tilesPerFrame } = planRender(params);
  const assembler = createFrameAssembler({ width: params.width, height: params.height, tilesPerFrame });
  const parallel = Math.max(1, params.parallel ?? 8);
  const blobs = new Map<Hex, Uint8Array>(tiles[0] ? [[tiles[0].spec.scene, params.scene]] : []);
  // A scene that does not parse is refused here, before anything is sent or paid.
  if (tiles[0]) await renderResource.precheck(tiles[0].spec, blobs);
  const providers = new Map<Hex, { nodeKey: Hex; owner: Hex; tiles: number; paid: bigint }>();
  const caught: CaughtResult[] = [];
  const payments: Promise<PaymentOutcome>[] = [];
  const writes: Promise<void>[] = [];
  const verification = { pixelsChecked: 0, verifyMs: 0, renderMs: 0 };
  let cost = 0n;
  let samples = 0;
  let reroutes = 0;
  let done = 0;
  let inFlight = 0;
  let failure: unknown;
  // Dearest first, so the render does not end with one provider on a dear tile and the others idle.
  const queue = createTileQueue({
    tiles,
    tailFrames: tailWindowFrames({ tilesPerFrame, parallel }),
    estimate: createTileCostEstimator(sharedRenderPool(), params),
  });

  const runTile = async (tile: PlannedTile) => {
    const result = await client.runJob({
      resourceType: renderResource.name,
      spec: tile.spec,
      blobs,
      replicas: 1,
      maxPrice: params.maxPrice,
      timeoutMs: params.timeoutMs,
    });
    for (const c of result.caught) {
      caught.push(c);
      params.onCaught?.(c);
    }
    payments.push(result.payment);
    reroutes += result.reroutes;
    cost += result.cost;
    samples += tileSamples(tile.spec);
    verification.pixelsChecked += result.recomputed?.checked ?? 0;
    verification.verifyMs += result.recomputed?.ms ?? 0;
    for (const p of result.providers) {
      const entry = providers.get(p.nodeKey) ?? { nodeKey: p.nodeKey, owner: p.owner, tiles: 0, paid: 0n };
      entry.tiles++;
      entry.paid += p.price;
      providers.set(p.nodeKey, entry);
    }
    const wallMs = result.metering.wallMs;
    verification.renderMs += typeof wallMs === "number" ? wallMs : 0;
    done++;
    const provider = result.providers[0]?.nodeKey as Hex;
    params.onTile?.({ frame: tile.frame, done, total: tiles.length, cost, provider, inFlight: inFlight - 1 });
    const png = assembler.add(tile.frame, tile.rect, result.output);
    if (png) writes.push(Promise.resolve(params.onFrame(tile.frame, png)));
  };

  // A fixed number of lanes, each taking the next tile when its last one is done; the first failure stops them all.
  await Promise.all(
    Array.from({ length: Math.min(parallel, tiles.length) }, async () => {
      while (failure === undefined) {
        const tile = await queue.next();
        if (!tile || failure !== undefined) break;
        inFlight++;
        try {
          await runTile(tile);
        } catch (error) {
          failure ??= error;
        } finally {
          inFlight--;
        }
      }
    }),
  );
  await Promise.all(writes);
  const settled = await Promise.all(payments);
  if (failure !== undefined) throw failure;
  return {
    frames: params.frames.length,
    tiles: tiles.length,
    samples,
    cost,
    providers: [...providers.values()],
    caught,
    reroutes,
    verification,
    vouchersDelivered: settled.every((p) => p.delivered),
    ms: performance.now() - started,
  };
}
