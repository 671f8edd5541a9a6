// The tracer's guarantees: identical bytes across runs, instances and threads; any pixel re-rendered alone equals
// the same pixel of its tile; golden frames of both sample scenes; animation; no host imports in the module.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { InvalidInputError } from "../../../core/errors.ts";
import { createTracer, TRACER_WASM_URL } from "./create-tracer.ts";
import { SAMPLE_SCENES_URL } from "./measure-samples-per-second.ts";
import { prepareScene } from "./prepare-scene.ts";
import { renderFrameLocal } from "./render-frame-local.ts";

const cornellGlb = new Uint8Array(readFileSync(new URL("cornell-box.glb", SAMPLE_SCENES_URL)));
const turntableGlb = new Uint8Array(readFileSync(new URL("turntable.glb", SAMPLE_SCENES_URL)));
const frame = { frame: 0, width: 40, height: 30, spp: 4 };
const hex = (bytes: Uint8Array) => bytesToHex(sha256(bytes));

/** Golden frames: a change here means every provider's output changed; update only on purpose. */
const GOLDEN = {
  cornell: "e1122c6e92ee775c8adf646cd3e3e803336da8d544af74c9b833f2be3f86bbe0",
  turntable12: "e443a8eb083146655e01d56662560d8211ebb419fa14228fce49c837328b4d85",
};

describe("tracer", () => {
  it("renders the same bytes twice and in two instances", async () => {
    const scene = await prepareScene(cornellGlb);
    const a = await createTracer();
    const b = await createTracer();
    const first = a.renderTile({ scene, ...frame, x: 0, y: 0, w: 40, h: 30 });
    assert.equal(first.length, 40 * 30 * 4);
    assert.deepEqual(a.renderTile({ scene, ...frame, x: 0, y: 0, w: 40, h: 30 }), first);
    assert.deepEqual(b.renderTile({ scene, ...frame, x: 0, y: 0, w: 40, h: 30 }), first);
    // Not a blank image: the lit room has many distinct colours.
    const colours = new Set<number>();
    for (let i = 0; i < first.length; i += 4)
      colours.add(((first[i] as number) << 16) | ((first[i + 1] as number) << 8) | (first[i + 2] as number));
    assert.ok(colours.size > 200, `only ${colours.size} colours`);
  });

  it("renders any pixel alone exactly as inside its tile, and tiles as inside the frame", async () => {
    const scene = await prepareScene(cornellGlb);
    const tracer = await createTracer();
    const full = await renderFrameLocal(scene, frame);
    const tile = tracer.renderTile({ scene, ...frame, x: 12, y: 7, w: 9, h: 11 });
    for (let y = 0; y < 11; y++) {
      assert.deepEqual(
        tile.subarray(y * 36, y * 36 + 36),
        full.subarray(((7 + y) * 40 + 12) * 4, ((7 + y) * 40 + 21) * 4),
      );
    }
    const picks = [0, 0, 39, 29, 20, 15, 13, 8, 5, 27, 33, 2];
    const fresh = await createTracer();
    const pixels = fresh.renderPixels({ scene, ...frame, pixels: Uint32Array.from(picks) });
    for (let k = 0; k < picks.length / 2; k++) {
      const at = ((picks[k * 2 + 1] as number) * 40 + (picks[k * 2] as number)) * 4;
      assert.deepEqual(pixels.subarray(k * 4, k * 4 + 4), full.subarray(at, at + 4), `pixel ${k}`);
    }
  });

  it("renders identical bytes in a worker thread", async () => {
    const scene = await prepareScene(turntableGlb);
    const request = { frame: 5, width: 24, height: 16, spp: 3, x: 0, y: 0, w: 24, h: 16 };
    const local = (await createTracer()).renderTile({ scene, ...request });
    // Workers do not inherit the tsx loader: register it before importing the TypeScript entry.
    const tsx = import.meta.resolve("tsx/esm/api");
    const body = new URL("./testing/render-in-worker.ts", import.meta.url).href;
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(body)}); });`;
    const worker = new Worker(code, { eval: true, workerData: { glb: turntableGlb, request } });
    const remote = await new Promise<Uint8Array>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    assert.deepEqual(new Uint8Array(remote), local);
  });

  it("matches the golden frames of both sample scenes", async () => {
    const cornell = await renderFrameLocal(await prepareScene(cornellGlb), frame);
    const turntable = await renderFrameLocal(await prepareScene(turntableGlb), { ...frame, frame: 12 });
    assert.deepEqual({ cornell: hex(cornell), turntable12: hex(turntable) }, GOLDEN);
  });

  it("animates: frames differ while the spinner turns, and fps sets the time", async () => {
    const scene = await prepareScene(turntableGlb);
    assert.equal(scene.stats.duration, 4);
    const tracer = await createTracer();
    const at = (f: number, fps?: number) =>
      tracer.renderTile({ scene, ...frame, frame: f, ...(fps ? { fps } : {}), x: 0, y: 0, w: 40, h: 30 });
    const f0 = at(0);
    const f12 = at(12);
    let changed = 0;
    for (let i = 0; i < f0.length; i += 4) if (f0[i] !== f12[i] || f0[i + 1] !== f12[i + 1]) changed++;
    assert.ok(changed > 100, `${changed} pixels changed`);
    // Frame 12 at 24 fps and frame 12 at 48 fps are different times, so the images differ too.
    assert.notDeepEqual(at(12, 48), f12);
  });

  it("imports nothing from the host", () => {
    // The lib settings carry no WebAssembly declarations.
    const api = (
      globalThis as unknown as {
        WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): unknown[] } };
      }
    ).WebAssembly;
    assert.deepEqual(api.Module.imports(new api.Module(readFileSync(TRACER_WASM_URL))), []);
  });

  it("rejects tiles and pixels outside the frame with a typed error", async () => {
    const scene = await prepareScene(cornellGlb);
    const tracer = await createTracer();
    assert.throws(() => tracer.renderTile({ scene, ...frame, x: 35, y: 0, w: 10, h: 1 }), InvalidInputError);
    assert.throws(() => tracer.renderPixels({ scene, ...frame, pixels: Uint32Array.from([40, 0]) }), InvalidInputError);
    assert.throws(() => tracer.renderPixels({ scene, ...frame, pixels: Uint32Array.from([1]) }), InvalidInputError);
    assert.throws(() => tracer.renderTile({ scene, ...frame, spp: 0, x: 0, y: 0, w: 1, h: 1 }), InvalidInputError);
  });
});
