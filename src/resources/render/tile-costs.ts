// What each tile will cost, estimated before it is sent: the time the tracer takes on an even grid of the tile's
// pixels at one sample each. A pixel's cost is its paths' length and what they hit, the same at one sample as at
// many, so the grid ranks tiles of any scene without knowing anything about it.
import type { RenderPlan } from "./render-plan.ts";
import { type RenderSpec, tileSamples } from "./render-schemas.ts";
import type { TilePool } from "./tile-pool.ts";
import type { EstimateTileCosts } from "./tile-queue.ts";

/** Grid points per tile at most (8×8): a few hundred microseconds on the dearest tiles. */
const maxProbePixels = 64;
/** Timed tries per tile; the least counts, so one preempted try does not make a tile look dear. */
const probePasses = 3;
/** The probe traces at most this share of a tile's own samples: cheap renders are not made dearer by probing. */
const probeShare = 1 / 200;

/** Grid side for a tile: 0 when even one pixel per tile would cost more than the probe's share. */
export function probeGrid(spec: RenderSpec): number {
  const affordable = Math.floor((tileSamples(spec) * probeShare) / probePasses);
  const side = Math.floor(Math.sqrt(Math.min(maxProbePixels, affordable)));
  return Math.min(side, spec.tile.w, spec.tile.h);
}

/** An even `side`×`side` grid of pixel centres over the tile, as frame coordinates x0,y0,x1,y1,… */
export function probePixels(spec: RenderSpec, side: number): Uint32Array {
  const { x, y, w, h } = spec.tile;
  const pixels = new Uint32Array(side * side * 2);
  let k = 0;
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      pixels[k++] = x + Math.floor(((i + 0.5) * w) / side);
      pixels[k++] = y + Math.floor(((j + 0.5) * h) / side);
    }
  }
  return pixels;
}

/**
 * Estimates tiles' costs on `pool` (one task per frame, frames side by side on the pool's workers). Tiles too cheap
 * to probe get cost 0, which leaves them in plan order.
 */
export function createTileCostEstimator(pool: TilePool, plan: Pick<RenderPlan, "scene">): EstimateTileCosts {
  return async (tiles) => {
    const costs = tiles.map(() => 0);
    const byFrame = new Map<number, number[]>();
    for (const [i, tile] of tiles.entries()) {
      if (probeGrid(tile.spec) === 0) continue;
      const list = byFrame.get(tile.frame) ?? [];
      list.push(i);
      byFrame.set(tile.frame, list);
    }
    await Promise.all(
      [...byFrame.values()].map(async (indices) => {
        const first = tiles[indices[0] as number]?.spec as RenderSpec;
        const timed = await pool.probe({
          sceneHash: first.scene,
          glb: plan.scene,
          frame: first.frame,
          fps: first.fps,
          width: first.width,
          height: first.height,
          spp: first.spp,
          probe: {
            passes: probePasses,
            lists: indices.map((i) => {
              const spec = tiles[i]?.spec as RenderSpec;
              return probePixels(spec, probeGrid(spec));
            }),
          },
        });
        // Per pixel probed: tiles of different sizes compare by what their whole area will cost.
        for (const [k, i] of indices.entries()) {
          const spec = tiles[i]?.spec as RenderSpec;
          const side = probeGrid(spec);
          costs[i] = ((timed[k] ?? 0) / (side * side)) * spec.tile.w * spec.tile.h;
        }
      }),
    );
    return costs;
  };
}
