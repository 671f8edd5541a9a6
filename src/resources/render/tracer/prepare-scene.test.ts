// Hostile and broken glTF files: each must end in a SceneError (kind "input") with nothing rendered, never a crash
// or a hang; and good files must come out complete (stats, hash, default camera, deep trees).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Document, NodeIO } from "@gltf-transform/core";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { createTracer } from "./create-tracer.ts";
import { SAMPLE_SCENES_URL } from "./measure-samples-per-second.ts";
import { prepareScene } from "./prepare-scene.ts";
import { SceneError } from "./scene-error.ts";
import { editGlb, type GlbParts } from "./testing/edit-glb.ts";
import type { SceneLimits } from "./types.ts";

const cornell = new Uint8Array(readFileSync(new URL("cornell-box.glb", SAMPLE_SCENES_URL)));
const turntable = new Uint8Array(readFileSync(new URL("turntable.glb", SAMPLE_SCENES_URL)));

async function rejects(glb: Uint8Array, message: RegExp, limits?: Partial<SceneLimits>): Promise<void> {
  await assert.rejects(prepareScene(glb, limits ? { limits } : {}), (error: unknown) => {
    assert.ok(error instanceof SceneError, `not a SceneError: ${String(error)}`);
    assert.equal(error.kind, "input");
    assert.match(error.message, message);
    return true;
  });
}

const edit = (glb: Uint8Array, f: (p: GlbParts) => void) => editGlb(glb, f);
const setFloat = (bin: Uint8Array, at: number, value: number) =>
  new DataView(bin.buffer, bin.byteOffset).setFloat32(at, value, true);

describe("prepareScene on hostile input", () => {
  it("rejects files that are not GLB, truncated, or carry broken JSON", async () => {
    await rejects(new TextEncoder().encode('{"asset":{"version":"2.0"}}'), /not a GLB/);
    await rejects(new Uint8Array(8), /too short/);
    await rejects(cornell.subarray(0, 200), /exceeds the file|runs past/);
    const broken = cornell.slice();
    broken[20] = 0x7d; // "}" where the JSON object should open
    await rejects(broken, /not valid JSON/);
    await rejects(
      edit(cornell, (p) => (p.json.asset.version = "1.0")),
      /unsupported glTF version/,
    );
  });

  it("rejects accessors, buffer views and buffers that point outside their data", async () => {
    await rejects(
      edit(cornell, (p) => (p.json.accessors[0].count = 1_000_000_000)),
      /reads past the end/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.accessors[0].bufferView = 99)),
      /missing bufferView/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.bufferViews[1].byteLength += 1_000_000)),
      /runs past its buffer/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.buffers[0].byteLength = 2 ** 31)),
      /larger than the GLB BIN chunk/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.meshes[0].primitives[0].indices = 500)),
      /missing accessor/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.accessors[3].componentType = 1234)),
      /invalid type/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.accessors[0].sparse = { count: 1 })),
      /sparse/,
    );
    // Data-less accessors, each within the file limit, that together would make the reader allocate 192 MB.
    await rejects(
      edit(cornell, (p) => {
        for (let i = 0; i < 3; i++) p.json.accessors.push({ type: "VEC4", componentType: 5126, count: 4_000_000 });
      }),
      /too much data/,
    );
  });

  it("rejects indices beyond the vertex count", async () => {
    // Indices of mesh 0 are unsigned shorts in bufferView 2 at byte 384.
    await rejects(
      edit(cornell, (p) => new DataView(p.bin.buffer).setUint16(384, 60000, true)),
      /index is out of range/,
    );
  });

  it("rejects cycles and shared children in the node tree", async () => {
    await rejects(
      edit(cornell, (p) => {
        p.json.nodes[0].children = [1];
        p.json.nodes[1].children = [0];
      }),
      /cycle|two parents/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.nodes[2].children = [2])),
      /cycle/,
    );
    await rejects(
      edit(cornell, (p) => {
        p.json.nodes[0].children = [3];
        p.json.nodes[1].children = [3];
      }),
      /two parents/,
    );
    // A cycle away from the scene roots: 2 -> 3 -> 2 with neither listed as a root.
    await rejects(
      edit(cornell, (p) => {
        p.json.nodes[2].children = [3];
        p.json.nodes[3].children = [2];
        p.json.scenes[0].nodes = [0, 1, 4, 5, 6];
      }),
      /cycle|two parents/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.nodes[0].mesh = 99)),
      /missing mesh/,
    );
  });

  it("rejects NaN and infinity in geometry, transforms and materials", async () => {
    await rejects(
      edit(cornell, (p) => setFloat(p.bin, 4, Number.NaN)),
      /POSITION contains NaN/,
    );
    await rejects(
      edit(cornell, (p) => setFloat(p.bin, 12, Number.POSITIVE_INFINITY)),
      /NaN or infinity/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.nodes[4].translation = [0, null, 0])),
      /translation is invalid/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.nodes[4].scale = [1, 1])),
      /scale is invalid/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.materials[3].extensions.KHR_materials_emissive_strength.emissiveStrength = -5)),
      /emissiveStrength/,
    );
  });

  it("enforces the size limits", async () => {
    await rejects(cornell, /too large/, { maxBytes: 1000 });
    await rejects(cornell, /too many triangles/, { maxTriangles: 20 });
    await rejects(cornell, /too many nodes/, { maxNodes: 3 });
    await rejects(cornell, /too many images|too many textures/, { maxTextures: 0 });
    await rejects(cornell, /texture is too large/, { maxTexturePixels: 100 });
    await rejects(cornell, /too many accessors/, { maxAccessors: 2 });
    await rejects(turntable, /too many animation keyframes/, { maxKeyframes: 4 });
    await rejects(turntable, /too many lights/, { maxLights: 1 });
    await assert.rejects(prepareScene(cornell, { limits: { maxNodes: -1 } }), SceneError);
  });

  it("never reads external files and refuses unsupported required extensions", async () => {
    await rejects(
      edit(cornell, (p) => (p.json.buffers[0].uri = "../../../etc/passwd")),
      /external file/,
    );
    await rejects(
      edit(cornell, (p) => {
        p.json.images[0].uri = "/etc/hostname";
        delete p.json.images[0].bufferView;
      }),
      /external file/,
    );
    await rejects(
      edit(cornell, (p) => (p.json.extensionsRequired = ["KHR_draco_mesh_compression"])),
      /unsupported glTF extension/,
    );
  });

  it("rejects JPEG, corrupt and oversized images", async () => {
    // The checker PNG is bufferView 0 at byte 2520 of the BIN chunk.
    await rejects(
      edit(cornell, (p) => {
        p.bin.set([0xff, 0xd8, 0xff, 0xe0], 2520);
        p.json.images[0].mimeType = "image/jpeg";
      }),
      /unsupported image/,
    );
    await rejects(
      edit(cornell, (p) => (p.bin[2520 + 60] = (p.bin[2520 + 60] as number) ^ 0xff)),
      /PNG is corrupt/,
    );
    await rejects(
      edit(cornell, (p) => new DataView(p.bin.buffer).setUint32(2520 + 16, 100_000)),
      /texture is too large/,
    );
  });

  it("rejects broken lights and animations", async () => {
    await rejects(
      edit(turntable, (p) => (p.json.extensions.KHR_lights_punctual.lights[0].type = "laser")),
      /light has an unknown type/,
    );
    await rejects(
      edit(turntable, (p) => (p.json.nodes[3].extensions.KHR_lights_punctual.light = 7)),
      /light has an unknown type or a missing/,
    );
    await rejects(
      edit(turntable, (p) => (p.json.extensions.KHR_lights_punctual.lights[1].intensity = -1)),
      /negative intensity/,
    );
    await rejects(
      edit(turntable, (p) => (p.json.animations[0].channels[0].target.node = 42)),
      /missing node/,
    );
    await rejects(
      edit(turntable, (p) => (p.json.animations[0].samplers[0].output = 99)),
      /missing accessor/,
    );
    // Key times are the first five floats of bufferView 4 (byte 1820): make them run backwards.
    await rejects(
      edit(turntable, (p) => setFloat(p.bin, 1820 + 8, 0.5)),
      /times decrease/,
    );
    await rejects(
      edit(turntable, (p) => (p.json.nodes[1].matrix = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])),
      /matrix/,
    );
  });
});

describe("prepareScene on good input", () => {
  it("reports the scene hash and counts", async () => {
    const scene = await prepareScene(cornell);
    assert.equal(scene.sceneHash, `0x${bytesToHex(sha256(cornell))}`);
    assert.deepEqual(scene.stats, {
      triangles: 36,
      nodes: 7,
      meshes: 6,
      materials: 6,
      textures: 1,
      lights: 0,
      emissiveTriangles: 2,
      duration: 0,
      hasCamera: true,
    });
    const turn = await prepareScene(turntable);
    assert.equal(turn.stats.lights, 2);
    assert.equal(turn.stats.duration, 4);
  });

  it("skips points and lines, and frames a camera-less scene with the default camera", async () => {
    const noCamera = edit(cornell, (p) => p.json.scenes[0].nodes.pop());
    const scene = await prepareScene(noCamera);
    assert.equal(scene.stats.hasCamera, false);
    const tracer = await createTracer();
    const px = tracer.renderTile({ scene, frame: 0, width: 16, height: 16, spp: 2, x: 0, y: 0, w: 16, h: 16 });
    assert.ok(
      px.some((v, i) => i % 4 !== 3 && v > 0),
      "the default camera sees the lit room",
    );
    const lines = await prepareScene(
      edit(cornell, (p) => {
        for (const m of p.json.meshes) m.primitives[0].mode = 1;
      }),
    );
    const dark = tracer.renderTile({ scene: lines, frame: 0, width: 4, height: 4, spp: 1, x: 0, y: 0, w: 4, h: 4 });
    assert.deepEqual([...new Set(dark)], [0, 255], "nothing to hit: black, opaque");
  });

  it("handles a 3000-node deep chain without recursion", async () => {
    const doc = new Document();
    const buffer = doc.createBuffer();
    const prim = doc
      .createPrimitive()
      .setAttribute(
        "POSITION",
        doc
          .createAccessor()
          .setBuffer(buffer)
          .setType("VEC3")
          .setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])),
      )
      .setMaterial(doc.createMaterial().setEmissiveFactor([1, 1, 1]));
    const mesh = doc.createMesh().addPrimitive(prim);
    let parent = doc.createNode().setMesh(mesh);
    const scene = doc.createScene().addChild(parent);
    for (let i = 0; i < 3000; i++) {
      const child = doc.createNode().setTranslation([0.0001, 0, 0]).setMesh(mesh);
      parent.addChild(child);
      parent = child;
    }
    doc.getRoot().setDefaultScene(scene);
    const prepared = await prepareScene(await new NodeIO().writeBinary(doc));
    assert.equal(prepared.stats.triangles, 3001);
    const px = (await createTracer()).renderTile({
      scene: prepared,
      frame: 0,
      width: 8,
      height: 8,
      spp: 1,
      x: 0,
      y: 0,
      w: 8,
      h: 8,
    });
    assert.ok(px.some((v, i) => i % 4 !== 3 && v > 0));
  });
});
