// The tracer's guarantees: identical bytes across runs, instances and threads; any pixel re-rendered alone equals
// the same pixel of its tile; golden frames of both sample scenes; animation; no host imports in the module.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { Document, NodeIO } from "@gltf-transform/core";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { InvalidInputError } from "../../../core/errors.ts";
import { createTracer, TRACER_WASM_URL } from "./create-tracer.ts";
import { KHRLightsPunctual } from "./khr-lights-punctual.ts";
import { SAMPLE_SCENES_URL } from "./measure-samples-per-second.ts";
import { prepareScene } from "./prepare-scene.ts";
import { renderFrameLocal } from "./render-frame-local.ts";

const cornellGlb = new Uint8Array(readFileSync(new URL("cornell-box.glb", SAMPLE_SCENES_URL)));
const turntableGlb = new Uint8Array(readFileSync(new URL("turntable.glb", SAMPLE_SCENES_URL)));
const frame = { frame: 0, width: 40, height: 30, spp: 4 };
const hex = (bytes: Uint8Array) => bytesToHex(sha256(bytes));

/** Golden frames: a change here means every provider's output changed; update only on purpose. */
const GOLDEN = {
  cornell: "94a72e1d7f810ab851e1691d5f62a3009a179c64b0badcffa05633d5be16ce98",
  turntable12: "9dedbe802d3862df0dbf3932c1dd78cdb31142b323d169749cb7e9a733bb2dba",
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

  it("renders the golden frames under each of V8's WebAssembly compilers", async () => {
    // Providers' machines differ in CPU and in which compiler tier runs a given function when: the baseline compiler
    // (Liftoff) and the optimising one (TurboFan) generate different machine code, so equal bytes from both show
    // that the output rests on WebAssembly's IEEE rules, not on one code generator. (CI checks GOLDEN on its own
    // machine too.)
    const script = fileURLToPath(new URL("testing/golden-hashes.ts", import.meta.url));
    const runTs = fileURLToPath(new URL("../../../../bin/run-ts.js", import.meta.url));
    for (const flags of [["--liftoff", "--no-wasm-tier-up"], ["--no-liftoff"]]) {
      const out = execFileSync(process.execPath, [...flags, runTs, script], { encoding: "utf8" });
      assert.deepEqual(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"), GOLDEN, flags.join(" "));
    }
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

  it("stays consistent on degenerate geometry, huge coordinates and an orthographic camera", async () => {
    const doc = new Document();
    const buffer = doc.createBuffer();
    const acc = (array: number[]) =>
      doc.createAccessor().setBuffer(buffer).setType("VEC3").setArray(new Float32Array(array));
    const plain = doc.createMaterial().setBaseColorFactor([0.8, 0.7, 0.6, 1]);
    const glow = doc.createMaterial().setEmissiveFactor([1, 1, 1]).setDoubleSided(true);
    const mesh = doc
      .createMesh()
      // A large ground triangle far from the origin, a zero-area triangle, and an emissive one collapsed to a line.
      .addPrimitive(
        doc
          .createPrimitive()
          .setAttribute("POSITION", acc([-1e5, 0, -1e5, 1e5, 0, -1e5, 0, 0, 1e5]))
          .setMaterial(plain),
      )
      .addPrimitive(
        doc
          .createPrimitive()
          .setAttribute("POSITION", acc([1, 1, 1, 1, 1, 1, 1, 1, 1]))
          .setMaterial(plain),
      )
      .addPrimitive(
        doc
          .createPrimitive()
          .setAttribute("POSITION", acc([0, 5, 0, 1, 5, 0, 2, 5, 0]))
          .setMaterial(glow),
      )
      .addPrimitive(
        doc
          .createPrimitive()
          .setAttribute("POSITION", acc([-50, 30, -50, 50, 30, -50, 0, 30, 50]))
          .setMaterial(glow),
      );
    const camera = doc.createCamera().setType("orthographic").setXMag(40).setYMag(40).setZNear(0.1).setZFar(1000);
    const scene = doc
      .createScene()
      .addChild(doc.createNode().setMesh(mesh).setTranslation([1e4, 0, 0]))
      .addChild(
        doc
          .createNode()
          .setCamera(camera)
          .setTranslation([1e4, 10, 0])
          .setRotation([-Math.SQRT1_2, 0, 0, Math.SQRT1_2]),
      );
    doc.getRoot().setDefaultScene(scene);
    const prepared = await prepareScene(await new NodeIO().writeBinary(doc));
    const request = { scene: prepared, frame: 0, width: 12, height: 12, spp: 3 };
    const tile = (await createTracer()).renderTile({ ...request, x: 0, y: 0, w: 12, h: 12 });
    assert.ok(
      tile.some((v, i) => i % 4 !== 3 && v > 0),
      "the ground is lit",
    );
    const pixels = (await createTracer()).renderPixels({ ...request, pixels: Uint32Array.from([0, 0, 11, 11, 5, 6]) });
    assert.deepEqual([...pixels.subarray(0, 4)], [...tile.subarray(0, 4)]);
    assert.deepEqual([...pixels.subarray(4, 8)], [...tile.subarray(143 * 4, 144 * 4)]);
    assert.deepEqual([...pixels.subarray(8, 12)], [...tile.subarray((6 * 12 + 5) * 4, (6 * 12 + 6) * 4)]);
  });

  it("lights only inside a spot cone and within a point light's range", async () => {
    // A floor seen straight down by an orthographic camera (x, z in -10..10): a narrow spot points at (-5, 0, 0),
    // a point light with range 2 hangs 1 above (5, 0, 0).
    const doc = new Document();
    const buffer = doc.createBuffer();
    const lights = doc.createExtension(KHRLightsPunctual);
    const floor = doc
      .createPrimitive()
      .setAttribute(
        "POSITION",
        doc
          .createAccessor()
          .setBuffer(buffer)
          .setType("VEC3")
          .setArray(new Float32Array([-10, 0, -10, -10, 0, 10, 10, 0, 10, 10, 0, -10])),
      )
      .setIndices(
        doc
          .createAccessor()
          .setBuffer(buffer)
          .setType("SCALAR")
          .setArray(new Uint16Array([0, 1, 2, 0, 2, 3])),
      );
    const spot = doc.createNode().setTranslation([-5, 4, 0]).setRotation([-Math.SQRT1_2, 0, 0, Math.SQRT1_2]);
    lights.setLight(spot, {
      type: "spot",
      intensity: 50,
      spot: { innerConeAngle: 0.25, outerConeAngle: 0.35 },
    });
    const bulb = doc.createNode().setTranslation([5, 1, 0]);
    lights.setLight(bulb, { type: "point", intensity: 5, range: 2 });
    const camera = doc.createCamera().setType("orthographic").setXMag(10).setYMag(10).setZNear(0.1).setZFar(100);
    const scene = doc
      .createScene()
      .addChild(doc.createNode().setMesh(doc.createMesh().addPrimitive(floor)))
      .addChild(spot)
      .addChild(bulb)
      .addChild(
        doc.createNode().setCamera(camera).setTranslation([0, 20, 0]).setRotation([-Math.SQRT1_2, 0, 0, Math.SQRT1_2]),
      );
    doc.getRoot().setDefaultScene(scene);
    const glb = await new NodeIO().registerExtensions([KHRLightsPunctual]).writeBinary(doc);
    const prepared = await prepareScene(glb);
    assert.equal(prepared.stats.lights, 2);
    const px = (await createTracer()).renderPixels({
      scene: prepared,
      frame: 0,
      width: 20,
      height: 20,
      spp: 2,
      // Under the spot, 3 units beside it, under the bulb, 3 units beside the bulb (past its range).
      pixels: Uint32Array.from([5, 10, 5, 7, 15, 10, 15, 7]),
    });
    const lum = (k: number) => (px[k * 4] as number) + (px[k * 4 + 1] as number) + (px[k * 4 + 2] as number);
    assert.ok(lum(0) > 100, `spot centre ${lum(0)}`);
    assert.equal(lum(1), 0);
    assert.ok(lum(2) > 100, `under the bulb ${lum(2)}`);
    assert.equal(lum(3), 0);
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
