// Parses and validates a .glb into a PreparedScene: preflight on the raw file, then @gltf-transform/core for meshes,
// materials, textures, cameras, lights and animations, converted to plain arrays the frame flattener reads.
import { type Accessor, Logger, type Material, NodeIO, type Texture, type TextureInfo } from "@gltf-transform/core";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { PNG } from "pngjs";
import { detCos } from "./det-math.ts";
import { sceneBounds } from "./frame-buffer.ts";
import { KHREmissiveStrength } from "./khr-emissive-strength.ts";
import { KHRLightsPunctual } from "./khr-lights-punctual.ts";
import { type GltfNode, preflightGlb } from "./preflight-glb.ts";
import { MAT_FLOATS } from "./scene-buffer-layout.ts";
import { SceneError } from "./scene-error.ts";
import { resolveSceneLimits } from "./scene-limits.ts";
import type {
  PreparedScene,
  SceneCamera,
  SceneChannel,
  SceneData,
  SceneLight,
  SceneLimits,
  SceneMesh,
  SceneNode,
  ScenePrimitive,
  SceneTexture,
} from "./types.ts";

export interface PrepareSceneOptions {
  limits?: Partial<SceneLimits>;
}

/** Parses, validates and converts a .glb; every problem with the file is a SceneError. */
export async function prepareScene(glb: Uint8Array, options: PrepareSceneOptions = {}): Promise<PreparedScene> {
  if (!(glb instanceof Uint8Array)) throw new SceneError("scene must be the bytes of a .glb file");
  let limits: SceneLimits;
  try {
    limits = resolveSceneLimits(options.limits);
  } catch (cause) {
    throw new SceneError("invalid scene limits", { cause });
  }
  const { json, roots, triangles } = preflightGlb(glb, limits);
  const io = new NodeIO()
    .registerExtensions([KHRLightsPunctual, KHREmissiveStrength])
    .setLogger(new Logger(Logger.Verbosity.SILENT));
  let doc: Awaited<ReturnType<NodeIO["readBinary"]>>;
  try {
    doc = await io.readBinary(glb);
  } catch (cause) {
    throw new SceneError("glTF could not be read", { cause, hint: "Check the file with the Khronos glTF validator." });
  }
  try {
    return convert(doc, json.nodes ?? [], roots, triangles, limits, glb);
  } catch (error) {
    if (error instanceof SceneError) throw error;
    throw new SceneError("glTF could not be converted", { cause: error });
  }
}

function fail(message: string, details: Record<string, unknown> = {}, hint?: string): never {
  throw new SceneError(message, { details, ...(hint ? { hint } : {}) });
}

type Doc = Awaited<ReturnType<NodeIO["readBinary"]>>;

function convert(
  doc: Doc,
  jsonNodes: GltfNode[],
  roots: number[],
  triangles: number,
  limits: SceneLimits,
  glb: Uint8Array,
): PreparedScene {
  const root = doc.getRoot();
  const gNodes = root.listNodes();
  if (gNodes.length !== jsonNodes.length) fail("glTF nodes could not be matched");
  const nodeIndex = new Map(gNodes.map((n, i) => [n, i]));
  const lightsExt = root.listExtensionsUsed().find((e): e is KHRLightsPunctual => e instanceof KHRLightsPunctual);
  const strengthExt = root.listExtensionsUsed().find((e): e is KHREmissiveStrength => e instanceof KHREmissiveStrength);

  const textures: SceneTexture[] = [];
  const textureKeys = new Map<string, number>();
  const textureIds = new Map<Texture, number>();
  let texturePixels = 0;
  const textureIndex = (texture: Texture | null, info: TextureInfo | null, srgb: boolean): number => {
    if (!texture) return -1;
    let id = textureIds.get(texture);
    if (id === undefined) {
      id = textureIds.size;
      textureIds.set(texture, id);
    }
    const wrapS = wrapMode(info?.getWrapS() ?? 10497);
    const wrapT = wrapMode(info?.getWrapT() ?? 10497);
    const key = `${id}/${srgb}/${wrapS}/${wrapT}`;
    const known = textureKeys.get(key);
    if (known !== undefined) return known;
    if (textures.length >= limits.maxTextures) fail("too many textures", { maxTextures: limits.maxTextures });
    const image = decodeImage(texture, limits.maxTexturePixels - texturePixels);
    texturePixels += image.width * image.height;
    textures.push({ ...image, wrapS, wrapT, srgb });
    textureKeys.set(key, textures.length - 1);
    return textures.length - 1;
  };

  const gMaterials = root.listMaterials();
  const materials = new Float32Array((gMaterials.length + 1) * MAT_FLOATS);
  for (const [i, m] of gMaterials.entries()) writeMaterial(materials, i, m, strengthExt, textureIndex);
  // The last entry is glTF's default material for primitives without one.
  materials.set([1, 1, 1, 1, 0, 0, 0, 1, 1, -1, -1, -1, 0], gMaterials.length * MAT_FLOATS);
  const materialIndex = new Map(gMaterials.map((m, i) => [m, i]));

  const meshes: SceneMesh[] = root.listMeshes().map((mesh, m) => ({
    primitives: mesh.listPrimitives().flatMap((prim, p) => {
      const converted = convertPrimitive(prim, { mesh: m, primitive: p });
      if (!converted) return [];
      const mat = prim.getMaterial();
      converted.material = mat ? (materialIndex.get(mat) ?? gMaterials.length) : gMaterials.length;
      return [converted];
    }),
  }));
  const meshIndex = new Map(root.listMeshes().map((m, i) => [m, i]));

  const lights: SceneLight[] = [];
  const nodes: SceneNode[] = jsonNodes.map((j, i) => {
    const g = gNodes[i];
    const mesh = g?.getMesh();
    let light: number | undefined;
    const def = g && lightsExt?.getLight(g);
    if (def !== undefined) {
      if (lights.length >= limits.maxLights) fail("too many lights", { maxLights: limits.maxLights });
      lights.push(convertLight(def, i));
      light = lights.length - 1;
    }
    return {
      translation: (j.translation ?? [0, 0, 0]) as [number, number, number],
      rotation: normalizeQuat(j.rotation ?? [0, 0, 0, 1]),
      scale: (j.scale ?? [1, 1, 1]) as [number, number, number],
      matrix: j.matrix,
      children: j.children ?? [],
      mesh: mesh ? meshIndex.get(mesh) : undefined,
      light,
    };
  });

  const animations: SceneChannel[] = [];
  for (const [a, anim] of root.listAnimations().entries()) {
    for (const channel of anim.listChannels()) {
      const target = channel.getTargetNode();
      const path = channel.getTargetPath();
      const sampler = channel.getSampler();
      if (!target || !sampler || (path !== "translation" && path !== "rotation" && path !== "scale")) continue;
      const node = nodeIndex.get(target) as number;
      if (jsonNodes[node]?.matrix)
        fail(
          "animated node has a matrix",
          { animation: a, node },
          "Animated nodes must use translation/rotation/scale.",
        );
      animations.push(convertChannel(sampler, path, node, a));
    }
  }

  const camera = findCamera(roots, jsonNodes, gNodes);
  const stats = {
    triangles,
    nodes: jsonNodes.length,
    meshes: meshes.length,
    materials: gMaterials.length,
    textures: textures.length,
    lights: lights.length,
    emissiveTriangles: 0,
    duration: animations.reduce((d, c) => Math.max(d, c.times[c.times.length - 1] ?? 0), 0),
    hasCamera: camera !== undefined,
  };
  const data: SceneData = {
    nodes,
    roots,
    meshes,
    materials,
    textures,
    lights,
    animations,
    camera,
    defaultView: { center: [0, 0, 0], radius: 1 },
  };
  const scene: PreparedScene = { sceneHash: `0x${bytesToHex(sha256(glb))}`, stats, data };
  data.defaultView = sceneBounds(scene, 0);
  stats.emissiveTriangles = countEmissive(data);
  return scene;
}

/** Triangles of instanced meshes whose material emits light. */
function countEmissive(data: SceneData): number {
  let count = 0;
  const instances = new Map<number, number>();
  const stack = [...data.roots];
  while (stack.length > 0) {
    const node = data.nodes[stack.pop() as number];
    if (!node) continue;
    if (node.mesh !== undefined) instances.set(node.mesh, (instances.get(node.mesh) ?? 0) + 1);
    stack.push(...node.children);
  }
  for (const [mesh, times] of instances) {
    for (const p of data.meshes[mesh]?.primitives ?? []) {
      const e = data.materials.subarray(p.material * MAT_FLOATS + 4, p.material * MAT_FLOATS + 7);
      if ((e[0] as number) + (e[1] as number) + (e[2] as number) > 0) count += (p.indices.length / 3) * times;
    }
  }
  return count;
}

function wrapMode(mode: number): number {
  return mode === 33071 ? 1 : mode === 33648 ? 2 : 0;
}

function finite(values: ArrayLike<number>, what: string, details: Record<string, unknown>): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) fail(`${what} contains NaN or infinity`, details);
  }
}

function writeMaterial(
  out: Float32Array,
  index: number,
  m: Material,
  strengthExt: KHREmissiveStrength | undefined,
  textureIndex: (texture: Texture | null, info: TextureInfo | null, srgb: boolean) => number,
): void {
  const strength = strengthExt ? strengthExt.getStrength(m) : 1;
  if (typeof strength !== "number" || !Number.isFinite(strength) || strength < 0)
    fail("material emissiveStrength is invalid", { material: index });
  const base = m.getBaseColorFactor();
  const emissive = m.getEmissiveFactor().map((v) => v * strength);
  const values = [...base, ...emissive, m.getMetallicFactor(), m.getRoughnessFactor()];
  finite(values, "material", { material: index });
  if (values.some((v) => v < 0)) fail("material has negative factors", { material: index });
  out.set(
    [
      ...values,
      textureIndex(m.getBaseColorTexture(), m.getBaseColorTextureInfo(), true),
      textureIndex(m.getMetallicRoughnessTexture(), m.getMetallicRoughnessTextureInfo(), false),
      textureIndex(m.getEmissiveTexture(), m.getEmissiveTextureInfo(), true),
      m.getDoubleSided() ? 1 : 0,
    ],
    index * MAT_FLOATS,
  );
}

/** PNG only: pngjs is the decoder in the dependency set. The size is checked from the header before inflating. */
function decodeImage(texture: Texture, pixelsLeft: number): { width: number; height: number; rgba: Uint8Array } {
  const bytes = texture.getImage();
  if (!bytes) fail("texture has no image data");
  const isPng = bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (!isPng) {
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    fail(
      "unsupported image",
      { mimeType: texture.getMimeType() || (jpeg ? "image/jpeg" : "unknown") },
      "Textures must be PNG: re-encode JPEG/WebP/KTX2 images as PNG.",
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0 || width > 16384 || height > 16384 || width * height > pixelsLeft)
    fail("texture is too large", { width, height }, "Downscale the textures or raise maxTexturePixels.");
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (cause) {
    throw new SceneError("texture PNG is corrupt", { cause });
  }
  if (png.width !== width || png.height !== height) fail("texture PNG header is inconsistent");
  return { width, height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength).slice() };
}

function readAccessor(accessor: Accessor, size: number, what: string, at: Record<string, unknown>): Float32Array {
  if (accessor.getElementSize() !== size) fail(`${what} has the wrong element type`, at);
  const count = accessor.getCount();
  const array = accessor.getArray();
  let out: Float32Array;
  if (array instanceof Float32Array && array.length === count * size) {
    out = array.slice();
  } else {
    // Normalized or integer data: getElement applies glTF's normalization.
    out = new Float32Array(count * size);
    const element: number[] = [];
    for (let i = 0; i < count; i++) out.set(accessor.getElement(i, element), i * size);
  }
  finite(out, what, at);
  return out;
}

function convertPrimitive(
  prim: import("@gltf-transform/core").Primitive,
  at: Record<string, unknown>,
): ScenePrimitive | undefined {
  const mode = prim.getMode();
  if (mode < 4) return undefined;
  const positionAccessor = prim.getAttribute("POSITION");
  if (!positionAccessor) fail("triangle primitive has no POSITION", at);
  const positions = readAccessor(positionAccessor, 3, "POSITION", at);
  const vertices = positions.length / 3;
  const normalAccessor = prim.getAttribute("NORMAL");
  const normals = normalAccessor ? readAccessor(normalAccessor, 3, "NORMAL", at) : new Float32Array(vertices * 3);
  const uvAccessor = prim.getAttribute("TEXCOORD_0");
  const uvs = uvAccessor ? readAccessor(uvAccessor, 2, "TEXCOORD_0", at) : new Float32Array(vertices * 2);
  if (normals.length !== vertices * 3 || uvs.length !== vertices * 2) fail("primitive attributes differ in count", at);
  const indexAccessor = prim.getIndices();
  let list: ArrayLike<number>;
  if (indexAccessor) {
    const array = indexAccessor.getArray();
    if (
      !(array instanceof Uint8Array || array instanceof Uint16Array || array instanceof Uint32Array) ||
      indexAccessor.getElementSize() !== 1
    )
      fail("primitive indices must be unsigned integer scalars", at);
    list = array;
  } else {
    list = Uint32Array.from({ length: vertices }, (_, i) => i);
  }
  for (let i = 0; i < list.length; i++) {
    if ((list[i] as number) >= vertices) fail("primitive index is out of range", { ...at, index: list[i], vertices });
  }
  return { positions, normals, uvs, indices: triangulate(list, mode), material: 0 };
}

/** Triangle list indices for TRIANGLES (4), TRIANGLE_STRIP (5) and TRIANGLE_FAN (6). */
function triangulate(list: ArrayLike<number>, mode: number): Uint32Array {
  if (mode === 4) return Uint32Array.from({ length: list.length - (list.length % 3) }, (_, i) => list[i] as number);
  const n = Math.max(0, list.length - 2);
  const out = new Uint32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const tri =
      mode === 5
        ? i % 2 === 0
          ? [list[i], list[i + 1], list[i + 2]]
          : [list[i + 1], list[i], list[i + 2]]
        : [list[0], list[i + 1], list[i + 2]];
    out.set(tri as number[], i * 3);
  }
  return out;
}

function normalizeQuat(q: number[]): [number, number, number, number] {
  const [x = 0, y = 0, z = 0, w = 1] = q;
  const len = Math.sqrt(x * x + y * y + z * z + w * w);
  return len > 0 ? [x / len, y / len, z / len, w / len] : [0, 0, 0, 1];
}

function convertLight(def: unknown, node: number): SceneLight {
  const d = def as Record<string, unknown>;
  const num = (v: unknown, fallback: number): number => {
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) fail("light has an invalid number", { node });
    return v;
  };
  const type = d.type === "point" ? 0 : d.type === "directional" ? 1 : d.type === "spot" ? 2 : -1;
  if (type < 0) fail("light has an unknown type or a missing definition", { node });
  const color = Array.isArray(d.color) ? d.color : [1, 1, 1];
  if (color.length !== 3) fail("light color is invalid", { node });
  const intensity = num(d.intensity, 1);
  const rgb = color.map((c) => num(c, 1) * intensity);
  if (intensity < 0 || rgb.some((c) => c < 0)) fail("light has negative intensity", { node });
  const inner = num((d.spot as Record<string, unknown> | undefined)?.innerConeAngle ?? d.innerConeAngle, 0);
  const outer = num((d.spot as Record<string, unknown> | undefined)?.outerConeAngle ?? d.outerConeAngle, Math.PI / 4);
  const range = num(d.range, 0);
  if (range < 0) fail("light range is negative", { node });
  return {
    type,
    color: rgb as [number, number, number],
    range,
    innerConeCos: detCos(Math.min(Math.max(inner, 0), Math.PI / 2)),
    outerConeCos: detCos(Math.min(Math.max(outer, 0), Math.PI / 2)),
  };
}

function convertChannel(
  sampler: import("@gltf-transform/core").AnimationSampler,
  path: "translation" | "rotation" | "scale",
  node: number,
  animation: number,
): SceneChannel {
  const at = { animation, node };
  const input = sampler.getInput();
  const output = sampler.getOutput();
  if (!input || !output) fail("animation sampler has no data", at);
  const times = readAccessor(input, 1, "animation input", at);
  for (let i = 1; i < times.length; i++) {
    if ((times[i] as number) < (times[i - 1] as number)) fail("animation times decrease", at);
  }
  const size = path === "rotation" ? 4 : 3;
  const values = readAccessor(output, size, "animation output", at);
  const interp = sampler.getInterpolation();
  const interpolation = interp === "STEP" ? 1 : interp === "CUBICSPLINE" ? 2 : 0;
  const perKey = interpolation === 2 ? 3 : 1;
  if (values.length < times.length * size * perKey) fail("animation output has fewer keys than input", at);
  return { node, path, interpolation, times, values };
}

function findCamera(
  roots: number[],
  jsonNodes: GltfNode[],
  gNodes: import("@gltf-transform/core").Node[],
): SceneCamera | undefined {
  // First camera node in depth-first scene order.
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const n = stack.pop() as number;
    const camera = gNodes[n]?.getCamera();
    if (camera) {
      const ortho = camera.getType() === "orthographic";
      const yfov = ortho ? camera.getYMag() : camera.getYFov();
      const xmag = ortho ? camera.getXMag() : 0;
      if (!Number.isFinite(yfov) || yfov <= 0 || (!ortho && yfov >= Math.PI) || !Number.isFinite(xmag))
        fail("camera has an invalid projection", { node: n });
      return { node: n, type: ortho ? 1 : 0, yfov, xmag };
    }
    const children = jsonNodes[n]?.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as number);
  }
  return undefined;
}
