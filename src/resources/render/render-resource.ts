// Render as a resource type: one tile of one frame of a glTF scene, rendered by the deterministic path tracer in
// worker threads; priced per mega-sample; verified by re-rendering random pixels of the tile (spot re-render).
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { z } from "zod";
import { InvalidInputError } from "../../core/errors.ts";
import { recomputeSampleCount } from "../recompute-samples.ts";
import type { Blobs, ResourceRuntime, ResourceType, WorkResult } from "../resource-type.ts";
import {
  type RenderOffer,
  type RenderSpec,
  renderOfferSchema,
  renderSpecSchema,
  tilePixels,
  tileSamples,
} from "./render-schemas.ts";
import { createTilePool, RenderWorkerError, type TilePool, type TileWork } from "./tile-pool.ts";

const megaSample = 1_000_000n;

/** The claim a failed spot check leaves: the pixels (frame coordinates x0,y0,…) that differ, or a wrong size. */
const claimSchema = z.union([
  z.object({ kind: z.literal("size") }),
  z.object({ kind: z.literal("pixels"), pixels: z.array(z.number().int().min(0)).min(2).max(2048) }),
]);
export type RenderClaim = z.infer<typeof claimSchema>;

/** Pixels named in one claim (enough to convince anyone; a claim stays small). */
const claimPixels = 64;

// Verifiers (customers, gateways, oracles) re-render a few pixels at a time: one pool per process, started lazily,
// its idle workers never keeping the process alive.
let verifierPool: TilePool | undefined;
/** This process's pool for small jobs around a render (spot checks, prechecks, cost probes), shared by all of them. */
export function sharedRenderPool(): TilePool {
  verifierPool ??= createTilePool();
  return verifierPool;
}

function sceneOf(spec: RenderSpec, blobs: Blobs): Uint8Array {
  const glb = blobs.get(spec.scene);
  if (!glb) throw new InvalidInputError("the render job's scene is missing", { details: { scene: spec.scene } });
  if (glb.length !== spec.sceneBytes) {
    throw new InvalidInputError("the scene's size is not the one the spec names", {
      details: { sceneBytes: spec.sceneBytes, actual: glb.length },
    });
  }
  return glb;
}

function frameWork(spec: RenderSpec, glb: Uint8Array): Omit<TileWork, "rect" | "pixels"> {
  return {
    sceneHash: spec.scene,
    glb,
    frame: spec.frame,
    fps: spec.fps,
    width: spec.width,
    height: spec.height,
    spp: spec.spp,
  };
}

/** Re-renders the listed pixels (frame coordinates) and returns those whose bytes differ from the output's. */
async function differing(
  pool: TilePool,
  spec: RenderSpec,
  glb: Uint8Array,
  output: Uint8Array,
  pixels: Uint32Array,
): Promise<number[]> {
  const { rgba } = await pool.render({ ...frameWork(spec, glb), pixels });
  const wrong: number[] = [];
  for (let i = 0; i < pixels.length / 2; i++) {
    const x = pixels[2 * i] as number;
    const y = pixels[2 * i + 1] as number;
    const at = ((y - spec.tile.y) * spec.tile.w + (x - spec.tile.x)) * 4;
    for (let c = 0; c < 4; c++) {
      if (output[at + c] !== rgba[4 * i + c]) {
        wrong.push(x, y);
        break;
      }
    }
  }
  return wrong;
}

/** `count` distinct pixels of the tile drawn with `random(n)` (uniform in 0..n-1): frame coordinates, row order. */
function drawPixels(spec: RenderSpec, count: number, random: (n: number) => number): Uint32Array {
  const units = tilePixels(spec);
  const chosen = new Set<number>();
  if (count * 2 >= units) {
    // Most of the tile: a partial Fisher–Yates shuffle of all indices.
    const all = Array.from({ length: units }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + random(units - i);
      [all[i], all[j]] = [all[j] as number, all[i] as number];
      chosen.add(all[i] as number);
    }
  } else {
    while (chosen.size < count) chosen.add(random(units));
  }
  const pixels = new Uint32Array(count * 2);
  let k = 0;
  // Traced in row order: neighbouring pixels' paths share memory, about 5 % faster than in the order drawn.
  for (const index of [...chosen].sort((a, b) => a - b)) {
    pixels[k++] = spec.tile.x + (index % spec.tile.w);
    pixels[k++] = spec.tile.y + Math.floor(index / spec.tile.w);
  }
  return pixels;
}

function createRenderRuntime(options: { concurrency: number }): ResourceRuntime<RenderSpec> {
  const pool = createTilePool({ size: options.concurrency });
  return {
    async run({ spec, blobs }): Promise<WorkResult> {
      const glb = sceneOf(spec, blobs);
      const { rgba, ms } = await pool.render({ ...frameWork(spec, glb), rect: spec.tile });
      return {
        output: rgba,
        outcome: { width: spec.tile.w, height: spec.tile.h },
        metering: { samples: tileSamples(spec), wallMs: Math.round(ms) },
      };
    },
    close: () => pool.close(),
  };
}

// Scenes (by sha256) that parsed in a precheck; bounded, oldest dropped first.
const prechecked = new Set<string>();

/** Parses the spec's scene on one of `pool`'s workers: a hostile scene costs a thread at worst, never the caller's. */
export async function precheckScene(spec: RenderSpec, blobs: Blobs, pool: TilePool): Promise<void> {
  const glb = sceneOf(spec, blobs);
  const key = createHash("sha256").update(glb).digest("hex");
  if (`0x${key}` !== spec.scene) throw new InvalidInputError("the scene does not hash to the spec's scene");
  if (prechecked.has(key)) return;
  try {
    await pool.render({ ...frameWork(spec, glb), prepareOnly: true });
  } catch (error) {
    if (error instanceof RenderWorkerError) {
      throw new InvalidInputError("the scene crashed the parser", { cause: error, details: { scene: spec.scene } });
    }
    throw error;
  }
  prechecked.add(key);
  if (prechecked.size > 256) prechecked.delete(prechecked.values().next().value as string);
}

export const renderResource: ResourceType<RenderOffer, RenderSpec> = {
  name: "render",
  rewardWeight: 1,
  offerSchema: renderOfferSchema,
  specSchema: renderSpecSchema,
  blobsOf: (spec) => [spec.scene],
  accepts: (offer, spec) =>
    tilePixels(spec) <= offer.maxTilePixels && spec.spp <= offer.maxSpp && spec.sceneBytes <= offer.maxSceneBytes,
  quote: (offer, spec) => (BigInt(offer.pricePerMegaSample) * BigInt(tileSamples(spec)) + megaSample - 1n) / megaSample,
  // The work is fixed by the spec: a tile costs its samples, however long it took.
  price: (offer, spec) => renderResource.quote(offer, spec),
  resultDigest(result) {
    return `0x${createHash("sha256").update("groundwork/render/v1").update(result.output).digest("hex")}`;
  },
  // The tracer's output is a pure function of the spec and the scene: always comparable.
  deterministic: () => true,
  precheck: (spec, blobs) => precheckScene(spec, blobs, sharedRenderPool()),
  createRuntime: createRenderRuntime,
  recompute: {
    async check(work, policy, random) {
      const started = performance.now();
      const { spec, output } = work;
      if (output.length !== tilePixels(spec) * 4) {
        return { ok: false, checked: 0, ms: performance.now() - started, claim: { kind: "size" } };
      }
      const count = recomputeSampleCount(policy, tilePixels(spec));
      const pixels = drawPixels(spec, count, random);
      const wrong = await differing(sharedRenderPool(), spec, sceneOf(spec, work.blobs), output, pixels);
      const ms = performance.now() - started;
      if (wrong.length === 0) return { ok: true, checked: count, ms };
      return { ok: false, checked: count, ms, claim: { kind: "pixels", pixels: wrong.slice(0, 2 * claimPixels) } };
    },
    async refute(work, raw) {
      const claim = claimSchema.safeParse(raw);
      if (!claim.success) return false;
      const { spec, output } = work;
      const size = tilePixels(spec) * 4;
      if (claim.data.kind === "size") return output.length !== size;
      if (output.length !== size) return true;
      const list = claim.data.pixels;
      if (list.length % 2 !== 0) return false;
      for (let i = 0; i < list.length; i += 2) {
        const x = list[i] as number;
        const y = list[i + 1] as number;
        const inside =
          x >= spec.tile.x && x < spec.tile.x + spec.tile.w && y >= spec.tile.y && y < spec.tile.y + spec.tile.h;
        if (!inside) return false;
      }
      const wrong = await differing(
        sharedRenderPool(),
        spec,
        sceneOf(spec, work.blobs),
        output,
        Uint32Array.from(list),
      );
      return wrong.length > 0;
    },
  },
  underwork: (spec) => ({ ...spec, spp: Math.max(1, Math.floor(spec.spp / 4)) }),
  outputUnitBytes: 4,
};

/** The hash a scene is addressed by (0x + sha256 hex). */
export function sceneHashOf(glb: Uint8Array): Hex {
  return `0x${createHash("sha256").update(glb).digest("hex")}`;
}
