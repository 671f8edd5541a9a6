// Flattens one frame of a prepared scene into the tracer's scene buffer: animation evaluated, every mesh instance
// transformed to world space, camera and lights placed. Float64 maths rounded once to float32, so it is exact
// everywhere.
import { detTan } from "./det-math.ts";
import { evaluatePoses, type NodePose } from "./evaluate-animation.ts";
import {
  H,
  HEADER_WORDS,
  LIGHT_WORDS,
  MAGIC,
  MAT_FLOATS,
  MAX_DEPTH,
  TEX_WORDS,
  TRI_WORDS,
  VERSION,
} from "./scene-buffer-layout.ts";
import { SceneError } from "./scene-error.ts";
import { DEFAULT_FPS, type PreparedScene } from "./types.ts";

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error("the tracer needs a little-endian host");

type Mat4 = Float64Array; // column-major

function compose(pose: NodePose): Mat4 {
  const [x, y, z, w] = pose.rotation as [number, number, number, number];
  const [sx, sy, sz] = pose.scale as [number, number, number];
  const [tx, ty, tz] = pose.translation as [number, number, number];
  return Float64Array.of(
    (1 - 2 * (y * y + z * z)) * sx,
    2 * (x * y + z * w) * sx,
    2 * (x * z - y * w) * sx,
    0,
    2 * (x * y - z * w) * sy,
    (1 - 2 * (x * x + z * z)) * sy,
    2 * (y * z + x * w) * sy,
    0,
    2 * (x * z + y * w) * sz,
    2 * (y * z - x * w) * sz,
    (1 - 2 * (x * x + y * y)) * sz,
    0,
    tx,
    ty,
    tz,
    1,
  );
}

function multiply(a: Mat4, b: Mat4): Mat4 {
  const out = new Float64Array(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += (a[k * 4 + r] as number) * (b[c * 4 + k] as number);
      out[c * 4 + r] = s;
    }
  }
  return out;
}

/** World matrices of every node reachable from the scene roots at `time` seconds (undefined elsewhere). */
export function worldMatrices(scene: PreparedScene, time: number): (Mat4 | undefined)[] {
  const { nodes, roots } = scene.data;
  const poses = evaluatePoses(scene.data, time);
  const world: (Mat4 | undefined)[] = new Array(nodes.length);
  const stack: [number, Mat4 | undefined][] = roots.map((r) => [r, undefined]);
  while (stack.length > 0) {
    const [n, parent] = stack.pop() as [number, Mat4 | undefined];
    const node = nodes[n];
    if (!node) continue;
    const local = node.matrix ? Float64Array.from(node.matrix) : compose(poses[n] as NodePose);
    const m = parent ? multiply(parent, local) : local;
    world[n] = m;
    for (const child of node.children) stack.push([child, m]);
  }
  return world;
}

function column(m: Mat4, c: number): [number, number, number] {
  return [m[c * 4] as number, m[c * 4 + 1] as number, m[c * 4 + 2] as number];
}

function unit(v: number[]): [number, number, number] {
  const len = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return (len > 0 ? v.map((x) => x / len) : [0, 0, 0]) as [number, number, number];
}

/** Cofactor matrix of the upper 3×3, column-major: det · inverse-transpose, which maps normals. Zero when singular. */
function normalMatrix(m: Mat4): number[] {
  const [a, b, c] = column(m, 0);
  const [d, e, f] = column(m, 1);
  const [g, h, i] = column(m, 2);
  // Columns of M are (a,b,c), (d,e,f), (g,h,i); the cofactor matrix equals det · inverse-transpose.
  const det = a * (e * i - f * h) - d * (b * i - c * h) + g * (b * f - c * e);
  if (det === 0) return [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const s = det < 0 ? -1 : 1; // only the direction matters: keep orientation, drop the scale
  return [
    s * (e * i - f * h),
    s * (f * g - d * i),
    s * (d * h - e * g),
    s * (c * h - b * i),
    s * (a * i - c * g),
    s * (b * g - a * h),
    s * (b * f - c * e),
    s * (c * d - a * f),
    s * (a * e - b * d),
  ];
}

/** Center and radius of the bounding sphere of all geometry at `time` seconds (a unit sphere when empty). */
export function sceneBounds(scene: PreparedScene, time: number): { center: [number, number, number]; radius: number } {
  const world = worldMatrices(scene, time);
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  scene.data.nodes.forEach((node, n) => {
    const m = world[n];
    if (!m || node.mesh === undefined) return;
    for (const p of scene.data.meshes[node.mesh]?.primitives ?? []) {
      for (let v = 0; v < p.positions.length; v += 3) {
        const x = p.positions[v] as number;
        const y = p.positions[v + 1] as number;
        const z = p.positions[v + 2] as number;
        for (let r = 0; r < 3; r++) {
          const value =
            (m[r] as number) * x + (m[4 + r] as number) * y + (m[8 + r] as number) * z + (m[12 + r] as number);
          lo[r] = Math.min(lo[r] as number, value);
          hi[r] = Math.max(hi[r] as number, value);
        }
      }
    }
  });
  if (!((lo[0] as number) <= (hi[0] as number))) return { center: [0, 0, 0], radius: 1 };
  const d = lo.map((v, i) => (hi[i] as number) - v);
  const radius = Math.max(1e-6, Math.sqrt(d.reduce((s, x) => s + x * x, 0)) / 2);
  return { center: lo.map((v, i) => (v + (hi[i] as number)) / 2) as [number, number, number], radius };
}

/** The half extent of glTF's default perspective camera: tan(22.5°) = √2 − 1, exact without trigonometry. */
const DEFAULT_TAN_HALF_FOV = Math.SQRT2 - 1;
/** sin(22.5°), so a sphere around the scene fits the vertical field of view. */
const DEFAULT_SIN_HALF_FOV = Math.sqrt((1 - Math.SQRT1_2) / 2);

export interface FrameBufferOptions {
  fps?: number;
}

function checkFrame(frame: number, fps: number): void {
  if (!Number.isInteger(frame) || frame < 0 || frame > 10_000_000)
    throw new SceneError("frame must be an integer from 0 to 10000000", { details: { frame } });
  if (typeof fps !== "number" || !Number.isFinite(fps) || fps <= 0 || fps > 1000)
    throw new SceneError("fps must be a number above 0 and at most 1000", { details: { fps } });
}

/** The scene buffer for `frame` (time = frame / fps seconds): what the WebAssembly tracer loads. */
export function frameBuffer(scene: PreparedScene, frame: number, fps: number = DEFAULT_FPS): Uint8Array {
  checkFrame(frame, fps);
  const { data } = scene;
  const world = worldMatrices(scene, frame / fps);
  let tris = 0;
  data.nodes.forEach((node, n) => {
    if (world[n] && node.mesh !== undefined) {
      for (const p of data.meshes[node.mesh]?.primitives ?? []) tris += p.indices.length / 3;
    }
  });
  const mats = data.materials.length / MAT_FLOATS;
  const texels = data.textures.reduce((s, t) => s + t.width * t.height, 0);
  const lightNodes = data.nodes.flatMap((node, n) => (world[n] && node.light !== undefined ? [n] : []));
  const words =
    HEADER_WORDS +
    tris * TRI_WORDS +
    mats * MAT_FLOATS +
    data.textures.length * TEX_WORDS +
    lightNodes.length * LIGHT_WORDS +
    texels;
  const buffer = new ArrayBuffer(words * 4);
  const f32 = new Float32Array(buffer);
  const u32 = new Uint32Array(buffer);
  const i32 = new Int32Array(buffer);

  u32[0] = MAGIC;
  u32[1] = VERSION;
  u32[H.tris] = tris;
  u32[H.mats] = mats;
  u32[H.texs] = data.textures.length;
  u32[H.lights] = lightNodes.length;
  u32[H.texels] = texels;
  const hash = scene.sceneHash.slice(2);
  u32[H.keyLo] = Number.parseInt(hash.slice(0, 8), 16);
  u32[H.keyHi] = Number.parseInt(hash.slice(8, 16), 16);
  u32[H.frame] = frame;
  f32.set([0, 0, 0], H.env);
  u32[H.maxDepth] = MAX_DEPTH;
  f32[H.exposure] = 1;

  // Triangles in world space.
  let w = HEADER_WORDS;
  data.nodes.forEach((node, n) => {
    const m = world[n];
    if (!m || node.mesh === undefined) return;
    const nm = normalMatrix(m);
    for (const p of data.meshes[node.mesh]?.primitives ?? []) {
      const vcount = p.positions.length / 3;
      const pos = new Float64Array(vcount * 3);
      const nrm = new Float64Array(vcount * 3);
      for (let v = 0; v < vcount; v++) {
        const x = p.positions[v * 3] as number;
        const y = p.positions[v * 3 + 1] as number;
        const z = p.positions[v * 3 + 2] as number;
        for (let r = 0; r < 3; r++) {
          const value =
            (m[r] as number) * x + (m[4 + r] as number) * y + (m[8 + r] as number) * z + (m[12 + r] as number);
          pos[v * 3 + r] = value;
        }
        const nx = p.normals[v * 3] as number;
        const ny = p.normals[v * 3 + 1] as number;
        const nz = p.normals[v * 3 + 2] as number;
        const t = [0, 1, 2].map(
          (r) => (nm[r] as number) * nx + (nm[3 + r] as number) * ny + (nm[6 + r] as number) * nz,
        );
        nrm.set(unit(t), v * 3);
      }
      for (let t = 0; t < p.indices.length; t += 3) {
        for (let k = 0; k < 3; k++) {
          const v = p.indices[t + k] as number;
          f32.set(pos.subarray(v * 3, v * 3 + 3), w + k * 3);
          f32.set(nrm.subarray(v * 3, v * 3 + 3), w + 9 + k * 3);
          f32.set(p.uvs.subarray(v * 2, v * 2 + 2), w + 18 + k * 2);
        }
        u32[w + 24] = p.material;
        w += TRI_WORDS;
      }
    }
  });

  for (let m = 0; m < mats; m++) {
    f32.set(data.materials.subarray(m * MAT_FLOATS, m * MAT_FLOATS + 9), w);
    for (let k = 9; k < 13; k++) i32[w + k] = data.materials[m * MAT_FLOATS + k] as number;
    w += MAT_FLOATS;
  }
  let texel = 0;
  const texelStart = w + data.textures.length * TEX_WORDS + lightNodes.length * LIGHT_WORDS;
  for (const t of data.textures) {
    u32.set([t.width, t.height, texel, t.wrapS, t.wrapT, t.srgb ? 1 : 0], w);
    new Uint8Array(buffer, (texelStart + texel) * 4, t.rgba.byteLength).set(t.rgba);
    texel += t.width * t.height;
    w += TEX_WORDS;
  }
  for (const n of lightNodes) {
    const light = data.lights[data.nodes[n]?.light as number];
    const m = world[n] as Mat4;
    if (!light) continue;
    u32[w] = light.type;
    f32.set(light.color, w + 1);
    f32.set(column(m, 3), w + 4);
    f32.set(unit(column(m, 2).map((x) => -x)), w + 7);
    f32.set([light.range, light.innerConeCos, light.outerConeCos], w + 10);
    w += LIGHT_WORDS;
  }

  writeCamera(scene, world, f32, u32);
  return new Uint8Array(buffer);
}

function writeCamera(scene: PreparedScene, world: (Mat4 | undefined)[], f32: Float32Array, u32: Uint32Array): void {
  const camera = scene.data.camera;
  const m = camera ? world[camera.node] : undefined;
  if (camera && m) {
    u32[H.camType] = camera.type;
    f32.set(column(m, 3), H.camPos);
    f32.set(unit(column(m, 0)), H.camRight);
    f32.set(unit(column(m, 1)), H.camUp);
    f32.set(unit(column(m, 2).map((x) => -x)), H.camFwd);
    f32[H.camScale] = camera.type === 1 ? camera.yfov : detTan(camera.yfov / 2);
    return;
  }
  // Default: look down -Z at the bounding sphere of the scene at time 0, so the view holds still while it animates.
  const { center, radius } = scene.data.defaultView;
  u32[H.camType] = 0;
  f32.set(
    [center[0] as number, center[1] as number, (center[2] as number) + (radius / DEFAULT_SIN_HALF_FOV) * 1.05],
    H.camPos,
  );
  f32.set([1, 0, 0], H.camRight);
  f32.set([0, 1, 0], H.camUp);
  f32.set([0, 0, -1], H.camFwd);
  f32[H.camScale] = DEFAULT_TAN_HALF_FOV;
}
