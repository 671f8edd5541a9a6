// Cost probes against the real tracer: the grid stays inside its tile and within its share of the tile's samples,
// every probed tile gets a positive cost, tiles too cheap to probe get none, and probing leaves the worker rendering
// the same pixels as before.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { planRender } from "./render-plan.ts";
import { tileSamples } from "./render-schemas.ts";
import { createTileCostEstimator, probeGrid, probePixels } from "./tile-costs.ts";
import { createTilePool } from "./tile-pool.ts";

const scene = new Uint8Array(
  readFileSync(join(import.meta.dirname, "..", "..", "..", "examples", "scenes", "cornell-box.glb")),
);
const pool = createTilePool({ size: 2 });
after(() => pool.close());

test("the probe grid lies inside its tile, distinct points, within its share of the tile's samples", () => {
  const { tiles } = planRender({ scene, frames: [0], width: 100, height: 70, spp: 64, tile: 32 });
  for (const { spec } of tiles) {
    const side = probeGrid(spec);
    assert.ok(side >= 1 && side <= 8 && side <= spec.tile.w && side <= spec.tile.h);
    assert.ok(side * side * 3 <= tileSamples(spec) / 200);
    const pixels = probePixels(spec, side);
    const points = new Set<string>();
    for (let i = 0; i < pixels.length; i += 2) {
      const [x, y] = [pixels[i] as number, pixels[i + 1] as number];
      assert.ok(x >= spec.tile.x && x < spec.tile.x + spec.tile.w && y >= spec.tile.y && y < spec.tile.y + spec.tile.h);
      points.add(`${x},${y}`);
    }
    assert.equal(points.size, side * side);
  }
  // One sample on a 4×4 tile: probing would cost more than its share; no grid.
  const tiny = planRender({ scene, frames: [0], width: 4, height: 4, spp: 1, tile: 4 }).tiles[0]?.spec;
  assert.ok(tiny);
  assert.equal(probeGrid(tiny), 0);
});

test("every probed tile of every frame gets a positive cost; unprobed ones 0; renders are unchanged", async () => {
  const plan = { scene, frames: [0, 3], width: 64, height: 32, spp: 16, tile: 16 };
  const { tiles } = planRender(plan);
  const work = (i: number) => {
    const spec = tiles[i]?.spec;
    assert.ok(spec);
    const { scene: sceneHash, tile: rect, ...frame } = spec;
    return { sceneHash, glb: scene, frame: frame.frame, fps: frame.fps, width: 64, height: 32, spp: 16, rect };
  };
  const before = await pool.render(work(5));
  const costs = await createTileCostEstimator(pool, plan)(tiles);
  assert.equal(costs.length, tiles.length);
  assert.ok(costs.every((c) => Number.isFinite(c) && c > 0));
  assert.deepEqual((await pool.render(work(5))).rgba, before.rgba);

  const cheap = planRender({ ...plan, spp: 1, tile: 4 });
  assert.deepEqual(
    await createTileCostEstimator(pool, plan)(cheap.tiles),
    cheap.tiles.map(() => 0),
  );
});
