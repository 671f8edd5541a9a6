// Checks a .glb before any glTF library touches it: container framing, references and byte ranges of every
// buffer view and accessor, the node graph (one parent per node, no cycles), and counts against the limits.
// Whatever passes here can be parsed without huge allocations, out-of-range reads or endless traversal.
import { SceneError } from "./scene-error.ts";
import type { SceneLimits } from "./types.ts";

/** The glTF JSON as far as preflight has checked it (the rest is read by @gltf-transform/core). */
export interface GltfJson {
  asset?: { version?: unknown };
  scene?: number;
  scenes?: { nodes?: number[] }[];
  nodes?: GltfNode[];
  meshes?: { primitives?: GltfPrimitive[] }[];
  accessors?: GltfAccessor[];
  bufferViews?: { buffer: number; byteOffset?: number; byteLength: number; byteStride?: number }[];
  buffers?: { byteLength: number; uri?: string }[];
  animations?: { channels?: unknown[]; samplers?: { input: number; output: number }[] }[];
  images?: { uri?: string; bufferView?: number; mimeType?: string }[];
  textures?: { source?: number; sampler?: number }[];
  samplers?: unknown[];
  materials?: unknown[];
  cameras?: unknown[];
  extensionsRequired?: string[];
  extensionsUsed?: string[];
}

export interface GltfNode {
  children?: number[];
  mesh?: number;
  camera?: number;
  matrix?: number[];
  translation?: number[];
  rotation?: number[];
  scale?: number[];
}

interface GltfPrimitive {
  attributes?: Record<string, number>;
  indices?: number;
  material?: number;
  mode?: number;
  targets?: unknown[];
}

interface GltfAccessor {
  bufferView?: number;
  byteOffset?: number;
  componentType: number;
  count: number;
  type: string;
  sparse?: unknown;
}

export interface Preflight {
  json: GltfJson;
  /** Indices of the root nodes of the scene that renders. */
  roots: number[];
  /** Triangles after instancing meshes over the scene tree (an upper bound: strips and fans count as lists). */
  triangles: number;
}

export const SUPPORTED_REQUIRED_EXTENSIONS = new Set(["KHR_lights_punctual", "KHR_materials_emissive_strength"]);

const COMPONENT_BYTES: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const TYPE_SIZE: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };

function fail(message: string, details: Record<string, unknown> = {}, hint?: string): never {
  throw new SceneError(message, { details, hint: hint ?? "Check the file with the Khronos glTF validator." });
}

const isIndex = (v: unknown, length: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v < length;
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

function list<T>(owner: object, key: string): T[] {
  const value = (owner as Record<string, unknown>)[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`glTF "${key}" is not an array`);
  return value as T[];
}

/** Splits the GLB container and validates its JSON; throws SceneError on anything unsafe or unsupported. */
export function preflightGlb(glb: Uint8Array, limits: SceneLimits): Preflight {
  if (glb.byteLength > limits.maxBytes)
    fail(
      "scene file is too large",
      { bytes: glb.byteLength, maxBytes: limits.maxBytes },
      "Shrink the scene or raise maxBytes.",
    );
  if (glb.byteLength < 20)
    fail("not a GLB file: too short", { bytes: glb.byteLength }, "Render takes binary glTF (.glb).");
  const view = new DataView(glb.buffer, glb.byteOffset, glb.byteLength);
  if (view.getUint32(0, true) !== 0x46546c67)
    fail("not a GLB file: bad magic", {}, "Render takes binary glTF (.glb); convert .gltf with `gltf-transform copy`.");
  if (view.getUint32(4, true) !== 2) fail("unsupported GLB version", { version: view.getUint32(4, true) });
  const total = view.getUint32(8, true);
  if (total > glb.byteLength) fail("GLB header length exceeds the file", { declared: total, bytes: glb.byteLength });
  const jsonLength = view.getUint32(12, true);
  if (view.getUint32(16, true) !== 0x4e4f534a) fail("GLB does not start with a JSON chunk");
  if (20 + jsonLength > total) fail("GLB JSON chunk runs past the end of the file", { jsonLength });
  let binLength = 0;
  const binStart = 20 + jsonLength + 8;
  if (binStart <= total) {
    binLength = view.getUint32(20 + jsonLength, true);
    if (view.getUint32(24 + jsonLength, true) !== 0x004e4942) fail("second GLB chunk is not BIN");
    if (binStart + binLength > total) fail("GLB BIN chunk runs past the end of the file", { binLength });
  }
  let json: GltfJson;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(glb.subarray(20, 20 + jsonLength)));
  } catch (cause) {
    throw new SceneError("GLB JSON chunk is not valid JSON", { cause, hint: "The file is corrupt or not glTF." });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) fail("glTF JSON is not an object");
  const version = String(json.asset?.version ?? "");
  if (!version.startsWith("2.")) fail("unsupported glTF version", { version }, "Render takes glTF 2.0.");
  for (const name of list<unknown>(json, "extensionsRequired")) {
    if (typeof name !== "string" || !SUPPORTED_REQUIRED_EXTENSIONS.has(name))
      fail(
        "scene requires an unsupported glTF extension",
        { extension: name, supported: [...SUPPORTED_REQUIRED_EXTENSIONS] },
        "Re-export the scene without it (e.g. without Draco or meshopt compression).",
      );
  }

  const buffers = list<{ byteLength: number; uri?: string }>(json, "buffers");
  buffers.forEach((buffer, i) => {
    if (!isCount(buffer?.byteLength)) fail("buffer has no valid byteLength", { buffer: i });
    if (buffer.uri === undefined) {
      if (i !== 0 || buffer.byteLength > binLength)
        fail("buffer is larger than the GLB BIN chunk", { buffer: i, byteLength: buffer.byteLength, binLength });
    } else if (typeof buffer.uri !== "string" || !buffer.uri.startsWith("data:")) {
      fail(
        "buffer refers to an external file",
        { buffer: i },
        "Pack every buffer into the .glb: external files are never read.",
      );
    } else if (buffer.uri.length > limits.maxBytes) {
      fail("buffer data URI is too large", { buffer: i });
    }
  });
  const views = list<NonNullable<GltfJson["bufferViews"]>[number]>(json, "bufferViews");
  views.forEach((v, i) => {
    if (!isIndex(v?.buffer, buffers.length)) fail("bufferView refers to a missing buffer", { bufferView: i });
    const offset = v.byteOffset ?? 0;
    if (!isCount(offset) || !isCount(v.byteLength)) fail("bufferView has an invalid range", { bufferView: i });
    if (offset + v.byteLength > (buffers[v.buffer]?.byteLength ?? 0))
      fail("bufferView runs past its buffer", { bufferView: i });
    if (
      v.byteStride !== undefined &&
      (!isCount(v.byteStride) || v.byteStride < 4 || v.byteStride > 252 || v.byteStride % 4 !== 0)
    )
      fail("bufferView has an invalid byteStride", { bufferView: i, byteStride: v.byteStride });
  });
  const accessors = list<GltfAccessor>(json, "accessors");
  if (accessors.length > limits.maxAccessors)
    fail("too many accessors", { accessors: accessors.length, maxAccessors: limits.maxAccessors });
  // Readers copy accessor data out of the buffers, so the declared data (not just the file) must stay bounded:
  // accessors sharing one range, or empty ones declaring huge counts, could otherwise ask for terabytes.
  let accessorBytes = 0;
  accessors.forEach((a, i) => {
    const component = COMPONENT_BYTES[a?.componentType];
    const size = TYPE_SIZE[a?.type];
    if (!component || !size) fail("accessor has an invalid type", { accessor: i });
    if (!isCount(a.count) || a.count < 1) fail("accessor has an invalid count", { accessor: i });
    if (a.sparse !== undefined)
      fail("sparse accessors are not supported", { accessor: i }, "Re-export without sparse accessors.");
    const element = component * size;
    if (a.bufferView === undefined) {
      if (a.count * element > limits.maxBytes)
        fail("accessor without data is too large", { accessor: i, count: a.count });
      return;
    }
    if (!isIndex(a.bufferView, views.length)) fail("accessor refers to a missing bufferView", { accessor: i });
    const v = views[a.bufferView] as NonNullable<GltfJson["bufferViews"]>[number];
    const offset = a.byteOffset ?? 0;
    if (!isCount(offset) || offset % component !== 0) fail("accessor has an invalid byteOffset", { accessor: i });
    const stride = v.byteStride ?? element;
    if (offset + stride * (a.count - 1) + element > v.byteLength)
      fail("accessor reads past the end of its bufferView", { accessor: i, count: a.count, bufferView: a.bufferView });
  });
  accessors.forEach((a, i) => {
    accessorBytes += a.count * (COMPONENT_BYTES[a.componentType] as number) * (TYPE_SIZE[a.type] as number);
    if (accessorBytes > 2 * limits.maxBytes)
      fail(
        "accessors declare too much data",
        { accessor: i, maxBytes: limits.maxBytes },
        "Shrink the scene or raise maxBytes.",
      );
  });

  const materials = list<unknown>(json, "materials");
  const meshes = list<NonNullable<GltfJson["meshes"]>[number]>(json, "meshes");
  const meshTriangles = meshes.map((mesh, m) => {
    let tris = 0;
    for (const [p, prim] of list<GltfPrimitive>(mesh ?? {}, "primitives").entries()) {
      const at = { mesh: m, primitive: p };
      const attributes = prim?.attributes ?? {};
      if (typeof attributes !== "object") fail("primitive attributes are invalid", at);
      for (const [name, index] of Object.entries(attributes)) {
        if (!isIndex(index, accessors.length))
          fail("primitive attribute refers to a missing accessor", { ...at, attribute: name });
      }
      if (prim.indices !== undefined && !isIndex(prim.indices, accessors.length))
        fail("primitive indices refer to a missing accessor", at);
      if (prim.material !== undefined && !isIndex(prim.material, materials.length))
        fail("primitive refers to a missing material", at);
      const mode = prim.mode ?? 4;
      if (!isIndex(mode, 7)) fail("primitive has an invalid mode", { ...at, mode });
      if (mode < 4) continue; // points and lines have no area: a path tracer never hits them
      const position = attributes.POSITION;
      if (position === undefined) fail("triangle primitive has no POSITION", at);
      const a = accessors[prim.indices ?? position] as GltfAccessor;
      tris += mode === 4 ? Math.floor(a.count / 3) : Math.max(0, a.count - 2);
    }
    return tris;
  });

  const nodes = list<GltfNode>(json, "nodes");
  if (nodes.length > limits.maxNodes) fail("too many nodes", { nodes: nodes.length, maxNodes: limits.maxNodes });
  const cameras = list<unknown>(json, "cameras");
  const parent = new Int32Array(nodes.length).fill(-1);
  nodes.forEach((node, i) => {
    if (typeof node !== "object" || node === null) fail("node is not an object", { node: i });
    if (node.mesh !== undefined && !isIndex(node.mesh, meshes.length))
      fail("node refers to a missing mesh", { node: i });
    if (node.camera !== undefined && !isIndex(node.camera, cameras.length))
      fail("node refers to a missing camera", { node: i });
    for (const [key, length] of [
      ["matrix", 16],
      ["translation", 3],
      ["rotation", 4],
      ["scale", 3],
    ] as const) {
      const value = node[key];
      if (value === undefined) continue;
      if (
        !Array.isArray(value) ||
        value.length !== length ||
        !value.every((x) => typeof x === "number" && Number.isFinite(x))
      )
        fail(`node ${key} is invalid`, { node: i });
    }
    for (const child of list<number>(node, "children")) {
      if (!isIndex(child, nodes.length)) fail("node has a missing child", { node: i, child });
      if (child === i || parent[child] !== -1)
        fail(
          "node tree has a cycle or a node with two parents",
          { node: child },
          "Each node may appear once in the tree.",
        );
      parent[child] = i;
    }
  });
  // With one parent per node, a cycle is a loop of parents: walking up from any node must end at a root.
  const state = new Uint8Array(nodes.length); // 0 unseen, 1 on the current walk, 2 known to reach a root
  for (let start = 0; start < nodes.length; start++) {
    let n = start;
    while (n !== -1 && state[n] === 0) {
      state[n] = 1;
      n = parent[n] as number;
    }
    if (n !== -1 && state[n] === 1)
      fail("node tree has a cycle", { node: n }, "Each node may appear once in the tree.");
    for (let m = start; m !== -1 && state[m] === 1; m = parent[m] as number) state[m] = 2;
  }

  const scenes = list<{ nodes?: number[] }>(json, "scenes");
  let roots: number[];
  if (scenes.length === 0) {
    roots = nodes.map((_, i) => i).filter((i) => parent[i] === -1);
  } else {
    const index = json.scene ?? 0;
    if (!isIndex(index, scenes.length)) fail("default scene is missing", { scene: index });
    roots = list<number>(scenes[index] ?? {}, "nodes");
    const seen = new Set<number>();
    for (const r of roots) {
      if (!isIndex(r, nodes.length) || parent[r] !== -1 || seen.has(r))
        fail("scene root is missing or not a root", { node: r });
      seen.add(r);
    }
  }
  let triangles = 0;
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop() as number;
    const node = nodes[n] as GltfNode;
    if (node.mesh !== undefined) triangles += meshTriangles[node.mesh] ?? 0;
    if (triangles > limits.maxTriangles)
      fail(
        "scene has too many triangles",
        { maxTriangles: limits.maxTriangles },
        "Decimate the meshes or raise maxTriangles.",
      );
    stack.push(...(node.children ?? []));
  }

  let keyframes = 0;
  list<NonNullable<GltfJson["animations"]>[number]>(json, "animations").forEach((anim, a) => {
    const samplers = list<{ input: number; output: number }>(anim ?? {}, "samplers");
    for (const s of samplers) {
      if (!isIndex(s?.input, accessors.length) || !isIndex(s.output, accessors.length))
        fail("animation sampler refers to a missing accessor", { animation: a });
      keyframes += (accessors[s.input] as GltfAccessor).count;
    }
    for (const c of list<{ sampler?: unknown; target?: { node?: unknown } }>(anim ?? {}, "channels")) {
      if (!isIndex(c?.sampler, samplers.length))
        fail("animation channel refers to a missing sampler", { animation: a });
      if (c.target?.node !== undefined && !isIndex(c.target.node, nodes.length))
        fail("animation channel targets a missing node", { animation: a });
    }
  });
  if (keyframes > limits.maxKeyframes)
    fail("too many animation keyframes", { keyframes, maxKeyframes: limits.maxKeyframes });

  const images = list<NonNullable<GltfJson["images"]>[number]>(json, "images");
  if (images.length > limits.maxTextures)
    fail("too many images", { images: images.length, maxTextures: limits.maxTextures });
  images.forEach((image, i) => {
    if (image?.bufferView !== undefined) {
      if (!isIndex(image.bufferView, views.length)) fail("image refers to a missing bufferView", { image: i });
    } else if (typeof image?.uri !== "string" || !image.uri.startsWith("data:")) {
      fail(
        "image refers to an external file",
        { image: i },
        "Pack every image into the .glb: external files are never read.",
      );
    }
  });
  const samplers = list<unknown>(json, "samplers");
  list<{ source?: number; sampler?: number }>(json, "textures").forEach((t, i) => {
    if (t?.source !== undefined && !isIndex(t.source, images.length))
      fail("texture refers to a missing image", { texture: i });
    if (t?.sampler !== undefined && !isIndex(t.sampler, samplers.length))
      fail("texture refers to a missing sampler", { texture: i });
  });
  return { json, roots, triangles };
}
