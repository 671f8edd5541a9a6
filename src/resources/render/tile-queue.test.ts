// The order tiles go out in: every tile exactly once, windows of whole frames in frame order, dearest first within a
// window, the plan's order where the estimate fails, and distinct tiles for callers waiting side by side.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planRender } from "./render-plan.ts";
import { createTileQueue, type EstimateTileCosts, windowFrames } from "./tile-queue.ts";

const scene = new Uint8Array([1, 2, 3]);
// 5 frames of 3×2 tiles.
const { tiles } = planRender({ scene, frames: [10, 11, 12, 13, 14], width: 30, height: 20, spp: 1, tile: 10 });
const key = (t: { frame: number; rect: { x: number; y: number } }) => `${t.frame}/${t.rect.x},${t.rect.y}`;
// A cost that differs per tile and is not the plan's order.
const costOf = (t: (typeof tiles)[number]) => (t.rect.x + 1) * (t.rect.y + 3) + t.frame / 100;
const estimate: EstimateTileCosts = async (window) => window.map(costOf);

async function drain(queue: ReturnType<typeof createTileQueue>) {
  const out: typeof tiles = [];
  for (let t = await queue.next(); t; t = await queue.next()) out.push(t);
  return out;
}

test("every tile once; windows of whole frames in order, each dearest first, cut evenly", async () => {
  const seen: number[][] = [];
  const order = await drain(
    createTileQueue({
      tiles,
      framesPerWindow: 2,
      estimate: async (window) => {
        seen.push([...new Set(window.map((t) => t.frame))]);
        return estimate(window);
      },
    }),
  );
  assert.deepEqual(order.map(key).sort(), tiles.map(key).sort());
  // 5 frames at most 2 a window: 3 windows of 2, 2 and 1 frames, each estimated once.
  assert.deepEqual(seen, [[10, 11], [12, 13], [14]]);
  const windows = [order.slice(0, 12), order.slice(12, 24), order.slice(24)];
  for (const [w, frames] of [[10, 11], [12, 13], [14]].entries()) {
    const window = windows[w] ?? [];
    assert.deepEqual([...new Set(window.map((t) => t.frame))].sort(), frames);
    const costs = window.map(costOf);
    assert.deepEqual(
      costs,
      [...costs].sort((a, b) => b - a),
    );
  }
});

test("an estimate that fails leaves the window in the plan's order; equal costs keep it too", async () => {
  const failing = await drain(
    createTileQueue({
      tiles,
      framesPerWindow: 3,
      estimate: async () => {
        throw new Error("no pool");
      },
    }),
  );
  assert.deepEqual(failing.map(key), tiles.map(key));
  const flat = await drain(createTileQueue({ tiles, framesPerWindow: 3, estimate: async (w) => w.map(() => 0) }));
  assert.deepEqual(flat.map(key), tiles.map(key));
});

test("callers waiting side by side get distinct tiles, and all of them", async () => {
  const queue = createTileQueue({ tiles, framesPerWindow: 1, estimate });
  const lanes = await Promise.all(Array.from({ length: 7 }, () => drain(queue)));
  const all = lanes.flat().map(key);
  assert.equal(all.length, tiles.length);
  assert.equal(new Set(all).size, tiles.length);
});

test("a window holds enough frames to keep the lanes busy, within bounds", () => {
  assert.equal(windowFrames({ tilesPerFrame: 8, parallel: 3 }), 2);
  assert.equal(windowFrames({ tilesPerFrame: 100, parallel: 3 }), 1);
  assert.equal(windowFrames({ tilesPerFrame: 1, parallel: 50 }), 16);
  assert.equal(windowFrames({ tilesPerFrame: 1, parallel: 50, maxFrames: 4 }), 4);
});
