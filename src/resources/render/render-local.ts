// `gw render --local`: the same frames rendered on this machine alone, tile by tile on a pool of worker threads (one
// per core), assembled into the same PNGs a network render gives: the tracer is deterministic, so byte for byte.
import { createFrameAssembler } from "./frame-png.ts";
import { planRender, type RenderPlan } from "./render-plan.ts";
import { precheckScene } from "./render-resource.ts";
import { tileSamples } from "./render-schemas.ts";
import { createTilePool, type TilePool } from "./tile-pool.ts";

export interface LocalRenderOptions {
  /** Worker threads; default one per core. */
  threads?: number;
  /** A pool to render on (kept open afterwards), instead of one started and closed for this render. */
  pool?: TilePool;
  onTile?: (progress: { done: number; total: number; frame: number }) => void;
  onFrame: (frame: number, png: Buffer) => void | Promise<void>;
}

export interface LocalRenderResult {
  frames: number;
  tiles: number;
  samples: number;
  threads: number;
  ms: number;
}

export async function renderLocal(plan: RenderPlan, options: LocalRenderOptions): Promise<LocalRenderResult> {
  const started = performance.now();
  const { tiles, tilesPerFrame } = planRender(plan);
  const pool = options.pool ?? createTilePool(options.threads === undefined ? {} : { size: options.threads });
  const assembler = createFrameAssembler({ width: plan.width, height: plan.height, tilesPerFrame });
  let done = 0;
  let samples = 0;
  const writes: Promise<void>[] = [];
  try {
    // The same check a gateway runs: a scene that does not parse is one clear error, not one per tile.
    if (tiles[0]) await precheckScene(tiles[0].spec, new Map([[tiles[0].spec.scene, plan.scene]]), pool);
    await Promise.all(
      tiles.map(async ({ frame, rect, spec }) => {
        const { rgba } = await pool.render({
          sceneHash: spec.scene,
          glb: plan.scene,
          frame,
          fps: spec.fps,
          width: spec.width,
          height: spec.height,
          spp: spec.spp,
          rect,
        });
        samples += tileSamples(spec);
        done++;
        options.onTile?.({ done, total: tiles.length, frame });
        const png = assembler.add(frame, rect, rgba);
        if (png) writes.push(Promise.resolve(options.onFrame(frame, png)));
      }),
    );
    await Promise.all(writes);
  } finally {
    if (!options.pool) await pool.close();
  }
  return {
    frames: plan.frames.length,
    tiles: tiles.length,
    samples,
    threads: pool.size,
    ms: performance.now() - started,
  };
}
