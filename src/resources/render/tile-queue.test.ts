// The order tiles go out in: every tile exactly once, frame by frame and the last frames as one window, dearest first
// within each, the plan's order where the estimate fails, and distinct tiles for callers waiting side by side.
import assert from "node:assert/strict";
import { test } from "node:test";
import { planRender } from "./render-plan.ts";
import { createTileQueue, type EstimateTileCosts, tailWindowFrames } from "./tile-queue.ts";

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

test("every tile once; frame by frame, the last frames as one window, each dearest first", async () => {
  const seen: number[][] = [];
  const order = await drain(
    createTileQueue({
      tiles,
      tailFrames: 2,
      estimate: async (window) => {
        seen.push([...new Set(window.map((t) => t.frame))]);
        return estimate(window);
      },
    }),
  );
  assert.deepEqual(order.map(key).sort(), tiles.map(key).sort());
  // 5 frames, the last 2 as one window: each window estimated once, in order.
  const expected = [[10], [11], [12], [13, 14]];
  assert.deepEqual(seen, expected);
  const windows = [order.slice(0, 6), order.slice(6, 12), order.slice(12, 18), order.slice(18)];
  for (const [w, frames] of expected.entries()) {
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
      tailFrames: 3,
      estimate: async () => {
        throw new Error("no pool");
      },
    }),
  );
  assert.deepEqual(failing.map(key), tiles.map(key));
  const flat = await drain(createTileQueue({ tiles, tailFrames: 3, estimate: async (w) => w.map(() => 0) }));
  assert.deepEqual(flat.map(key), tiles.map(key));
});

test("callers waiting side by side get distinct tiles, and all of them", async () => {
  const queue = createTileQueue({ tiles, tailFrames: 1, estimate });
  const lanes = await Promise.all(Array.from({ length: 7 }, () => drain(queue)));
  const all = lanes.flat().map(key);
  assert.equal(all.length, tiles.length);
  assert.equal(new Set(all).size, tiles.length);
});

test("a window holds enough frames to keep the lanes busy, within bounds", () => {
  assert.equal(tailWindowFrames({ tilesPerFrame: 8, parallel: 3 }), 2);
  assert.equal(tailWindowFrames({ tilesPerFrame: 100, parallel: 3 }), 1);
  assert.equal(tailWindowFrames({ tilesPerFrame: 1, parallel: 50 }), 16);
  assert.equal(tailWindowFrames({ tilesPerFrame: 1, parallel: 50, maxFrames: 4 }), 4);
});
