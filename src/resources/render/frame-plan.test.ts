import assert from "node:assert/strict";
import { test } from "node:test";
import { PNG } from "pngjs";
import { InvalidInputError } from "../../core/errors.ts";
import { parseFrames, parseSize, planTiles } from "./frame-plan.ts";
import { createFrameAssembler } from "./frame-png.ts";

test("frame lists: numbers and ranges, sorted, each once; nonsense refused", () => {
  assert.deepEqual(parseFrames("1-24").length, 24);
  assert.deepEqual(parseFrames("5, 1-3,2"), [1, 2, 3, 5]);
  assert.deepEqual(parseFrames("0"), [0]);
  for (const bad of ["", "3-1", "a", "1-", "-2", "1.5", "0-1000000"]) {
    assert.throws(() => parseFrames(bad), InvalidInputError, bad);
  }
});

test("sizes are WIDTHxHEIGHT within bounds", () => {
  assert.deepEqual(parseSize("640x360"), { width: 640, height: 360 });
  for (const bad of ["640", "0x10", "10x0", "20000x10", "axb", "640x360x2"]) {
    assert.throws(() => parseSize(bad), InvalidInputError, bad);
  }
});

test("tiles cover every pixel of the frame exactly once, edge tiles cut to fit", () => {
  const [width, height] = [70, 33];
  const tiles = planTiles(width, height, 16);
  const covered = new Uint8Array(width * height);
  for (const t of tiles) {
    assert.ok(t.w >= 1 && t.w <= 16 && t.h >= 1 && t.h <= 16);
    for (let y = t.y; y < t.y + t.h; y++) {
      for (let x = t.x; x < t.x + t.w; x++) covered[y * width + x] = (covered[y * width + x] ?? 0) + 1;
    }
  }
  assert.ok(covered.every((c) => c === 1));
  assert.equal(tiles.length, 5 * 3);
});

test("a frame is a PNG of exactly its tiles' pixels once the last tile is in", () => {
  const [width, height] = [20, 12];
  const tiles = planTiles(width, height, 8);
  const assembler = createFrameAssembler({ width, height, tilesPerFrame: tiles.length });
  const pixel = (x: number, y: number) => [x * 10, y * 20, (x + y) % 256, 255 - x];
  let png: Buffer | undefined;
  for (const [i, t] of tiles.entries()) {
    const rgba = new Uint8Array(t.w * t.h * 4);
    for (let y = 0; y < t.h; y++) for (let x = 0; x < t.w; x++) rgba.set(pixel(t.x + x, t.y + y), (y * t.w + x) * 4);
    png = assembler.add(7, t, rgba);
    assert.equal(png === undefined, i < tiles.length - 1);
  }
  assert.ok(png);
  const decoded = PNG.sync.read(png);
  assert.deepEqual([decoded.width, decoded.height], [width, height]);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      assert.deepEqual([...decoded.data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)], pixel(x, y));
    }
  }
  assert.throws(() => assembler.add(8, { x: 0, y: 0, w: 2, h: 2 }, new Uint8Array(3)));
});
