// The two sample scenes, built with @gltf-transform/core: a Cornell box lit by an emissive area light with a
// metallic and a textured box, and an animated turntable lit by a point and a directional light.
import { Document, type Buffer as GltfBuffer, type Material, type Mesh, NodeIO } from "@gltf-transform/core";
import { PNG } from "pngjs";
import { detCos, detSin } from "./det-math.ts";
import { KHREmissiveStrength } from "./khr-emissive-strength.ts";
import { KHRLightsPunctual } from "./khr-lights-punctual.ts";

type V3 = [number, number, number];

/** A quad from corner `o` spanned by `u` and `v` (normal u × v), with uvs 0..1. */
function quad(o: V3, u: V3, v: V3) {
  const n: V3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  const unitN = n.map((x) => x / len);
  const corner = (a: number, b: number) =>
    [0, 1, 2].map((i) => (o[i] as number) + a * (u[i] as number) + b * (v[i] as number));
  return {
    positions: [...corner(0, 0), ...corner(1, 0), ...corner(1, 1), ...corner(0, 1)],
    normals: [...unitN, ...unitN, ...unitN, ...unitN],
    uvs: [0, 1, 1, 1, 1, 0, 0, 0],
    indices: [0, 1, 2, 0, 2, 3],
  };
}

type Geometry = ReturnType<typeof quad>;

function merge(parts: Geometry[]): Geometry {
  const out: Geometry = { positions: [], normals: [], uvs: [], indices: [] };
  for (const p of parts) {
    const base = out.positions.length / 3;
    out.positions.push(...p.positions);
    out.normals.push(...p.normals);
    out.uvs.push(...p.uvs);
    out.indices.push(...p.indices.map((i) => i + base));
  }
  return out;
}

/** A unit cube centred at the origin with outward normals. */
function cube(): Geometry {
  const h = 0.5;
  return merge([
    quad([-h, -h, h], [1, 0, 0], [0, 1, 0]),
    quad([h, -h, -h], [-1, 0, 0], [0, 1, 0]),
    quad([h, -h, h], [0, 0, -1], [0, 1, 0]),
    quad([-h, -h, -h], [0, 0, 1], [0, 1, 0]),
    quad([-h, h, h], [1, 0, 0], [0, 0, -1]),
    quad([-h, -h, -h], [1, 0, 0], [0, 0, 1]),
  ]);
}

function mesh(doc: Document, buffer: GltfBuffer, g: Geometry, material: Material): Mesh {
  const acc = (type: "VEC3" | "VEC2", array: number[]) =>
    doc.createAccessor().setBuffer(buffer).setType(type).setArray(new Float32Array(array));
  const prim = doc
    .createPrimitive()
    .setAttribute("POSITION", acc("VEC3", g.positions))
    .setAttribute("NORMAL", acc("VEC3", g.normals))
    .setAttribute("TEXCOORD_0", acc("VEC2", g.uvs))
    .setIndices(doc.createAccessor().setBuffer(buffer).setType("SCALAR").setArray(new Uint16Array(g.indices)))
    .setMaterial(material);
  return doc.createMesh().addPrimitive(prim);
}

function checkerPng(size: number, cells: number, a: V3, b: V3): Uint8Array {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = (Math.floor((x * cells) / size) + Math.floor((y * cells) / size)) % 2 === 0 ? a : b;
      png.data.set([...c, 255], (y * size + x) * 4);
    }
  }
  return new Uint8Array(PNG.sync.write(png));
}

function yRotation(angle: number): [number, number, number, number] {
  return [0, detSin(angle / 2), 0, detCos(angle / 2)];
}

async function writeGlb(doc: Document): Promise<Uint8Array> {
  return new NodeIO().registerExtensions([KHRLightsPunctual, KHREmissiveStrength]).writeBinary(doc);
}

/** Cornell box: red and green walls, an emissive ceiling panel, a rough gold box and a checker-textured box. */
export async function buildCornellBox(): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const strength = doc.createExtension(KHREmissiveStrength);
  const scene = doc.createScene("cornell-box");
  const mat = (name: string, color: V3) =>
    doc
      .createMaterial(name)
      .setBaseColorFactor([...color, 1])
      .setRoughnessFactor(1)
      .setMetallicFactor(0);
  const white = mat("white", [0.73, 0.73, 0.73]);
  const red = mat("red", [0.65, 0.05, 0.05]);
  const green = mat("green", [0.12, 0.45, 0.15]);
  const light = mat("light", [0, 0, 0]).setEmissiveFactor([1, 0.85, 0.6]);
  strength.setStrength(light, 12);
  const gold = doc
    .createMaterial("gold")
    .setBaseColorFactor([1, 0.78, 0.34, 1])
    .setMetallicFactor(1)
    .setRoughnessFactor(0.3);
  const checker = doc
    .createTexture("checker")
    .setImage(checkerPng(32, 4, [230, 230, 230], [40, 60, 160]))
    .setMimeType("image/png");
  const textured = doc
    .createMaterial("checker")
    .setBaseColorTexture(checker)
    .setRoughnessFactor(0.6)
    .setMetallicFactor(0);

  const room = (g: Geometry, m: Material) => scene.addChild(doc.createNode().setMesh(mesh(doc, buffer, g, m)));
  room(
    merge([
      quad([-1, -1, 1], [2, 0, 0], [0, 0, -2]),
      quad([-1, 1, -1], [2, 0, 0], [0, 0, 2]),
      quad([-1, -1, -1], [2, 0, 0], [0, 2, 0]),
    ]),
    white,
  );
  room(quad([-1, -1, 1], [0, 0, -2], [0, 2, 0]), red);
  room(quad([1, -1, -1], [0, 0, 2], [0, 2, 0]), green);
  room(quad([-0.25, 0.995, -0.25], [0.5, 0, 0], [0, 0, 0.5]), light);
  scene.addChild(
    doc
      .createNode("tall")
      .setMesh(mesh(doc, buffer, cube(), gold))
      .setTranslation([-0.35, -0.4, -0.35])
      .setScale([0.55, 1.2, 0.55])
      .setRotation(yRotation(0.3)),
  );
  scene.addChild(
    doc
      .createNode("short")
      .setMesh(mesh(doc, buffer, cube(), textured))
      .setTranslation([0.38, -0.7, 0.3])
      .setScale([0.6, 0.6, 0.6])
      .setRotation(yRotation(-0.3)),
  );
  const camera = doc.createCamera("camera").setType("perspective").setYFov(0.69).setZNear(0.01).setAspectRatio(1);
  scene.addChild(doc.createNode("camera").setCamera(camera).setTranslation([0, 0, 3.9]));
  doc.getRoot().setDefaultScene(scene);
  return writeGlb(doc);
}

/** Turntable: a cube spinning once every 4 s and a box hopping in STEP keys, on a floor under a point and a sun light. */
export async function buildTurntable(): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const lights = doc.createExtension(KHRLightsPunctual);
  const scene = doc.createScene("turntable");
  const floorMat = doc
    .createMaterial("floor")
    .setBaseColorFactor([0.6, 0.6, 0.62, 1])
    .setRoughnessFactor(0.8)
    .setMetallicFactor(0);
  const cubeMat = doc
    .createMaterial("copper")
    .setBaseColorFactor([0.95, 0.64, 0.54, 1])
    .setRoughnessFactor(0.35)
    .setMetallicFactor(1);
  const hopMat = doc
    .createMaterial("plastic")
    .setBaseColorFactor([0.1, 0.35, 0.8, 1])
    .setRoughnessFactor(0.4)
    .setMetallicFactor(0);
  scene.addChild(doc.createNode("floor").setMesh(mesh(doc, buffer, quad([-3, 0, 3], [6, 0, 0], [0, 0, -6]), floorMat)));
  const spinner = doc
    .createNode("spinner")
    .setMesh(mesh(doc, buffer, cube(), cubeMat))
    .setTranslation([0, 0.5, 0]);
  const hopper = doc
    .createNode("hopper")
    .setMesh(mesh(doc, buffer, cube(), hopMat))
    .setTranslation([1.3, 0.2, 0.4])
    .setScale([0.4, 0.4, 0.4]);
  scene.addChild(spinner).addChild(hopper);
  const sun = doc.createNode("sun").setRotation([-0.3826834323650898, 0.2, 0, 0.9238795325112867]);
  lights.setLight(sun, { type: "directional", color: [1, 0.95, 0.85], intensity: 2.5 });
  const bulb = doc.createNode("bulb").setTranslation([-1.5, 2, 1.5]);
  lights.setLight(bulb, { type: "point", color: [1, 0.7, 0.4], intensity: 6 });
  scene.addChild(sun).addChild(bulb);
  const camera = doc.createCamera("camera").setType("perspective").setYFov(0.8).setZNear(0.01);
  const look = -0.35; // pitch down
  scene.addChild(
    doc
      .createNode("camera")
      .setCamera(camera)
      .setTranslation([0, 2.2, 4.8])
      .setRotation([detSin(look / 2), 0, 0, detCos(look / 2)]),
  );

  const seconds = [0, 1, 2, 3, 4];
  const times = doc.createAccessor().setBuffer(buffer).setType("SCALAR").setArray(new Float32Array(seconds));
  const spin = doc
    .createAccessor()
    .setBuffer(buffer)
    .setType("VEC4")
    .setArray(new Float32Array(seconds.flatMap((s) => yRotation((s * Math.PI) / 2))));
  const hops = doc
    .createAccessor()
    .setBuffer(buffer)
    .setType("VEC3")
    .setArray(new Float32Array(seconds.flatMap((s) => [1.3, s % 2 === 0 ? 0.2 : 0.8, 0.4])));
  const anim = doc.createAnimation("turn");
  const spinSampler = doc.createAnimationSampler().setInput(times).setOutput(spin).setInterpolation("LINEAR");
  const hopSampler = doc.createAnimationSampler().setInput(times).setOutput(hops).setInterpolation("STEP");
  anim
    .addSampler(spinSampler)
    .addSampler(hopSampler)
    .addChannel(doc.createAnimationChannel().setTargetNode(spinner).setTargetPath("rotation").setSampler(spinSampler))
    .addChannel(doc.createAnimationChannel().setTargetNode(hopper).setTargetPath("translation").setSampler(hopSampler));
  doc.getRoot().setDefaultScene(scene);
  return writeGlb(doc);
}
