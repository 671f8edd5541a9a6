// The loaded frame: section pointers into the scene buffer, the BVH over its triangles (binned SAH, built with
// f32 arithmetic and fixed tie-breaks so it is identical everywhere) and ray queries against it.
import {
  H_LIGHTS,
  H_MATS,
  H_TEXELS,
  H_TEXS,
  H_TRIS,
  HEADER_WORDS,
  LIGHT_WORDS,
  M_EMISSIVE,
  MAGIC,
  MAT_WORDS,
  T_MAT,
  TEX_WORDS,
  TRI_WORDS,
  VERSION,
} from "./layout";

export let sceneBase: usize = 0;
export let numTris: u32 = 0;
export let numMats: u32 = 0;
export let numTexs: u32 = 0;
export let numLights: u32 = 0;
export let triBase: usize = 0;
export let matBase: usize = 0;
export let texBase: usize = 0;
export let lightBase: usize = 0;
export let texelBase: usize = 0;
// Per triangle in BVH order: p0, e1, e2, original index, light pick pdf per area (0 when not emissive). 12 words.
export let accelBase: usize = 0;
const ACCEL_WORDS = 12;
let nodeBase: usize = 0; // 8 words per node: bounds min, max, first child or first triangle, triangle count
// Emissive triangles: accel index and cumulative pick probability. 2 words each.
export let emisBase: usize = 0;
export let numEmis: u32 = 0;
let top: usize = 0;

const STACK = memory.data(128 * 8, 16); // node index and entry distance
const BINS = 12;
const BIN_DATA = memory.data(3 * BINS * 8 * 4, 16); // per axis and bin: bounds (6) and count
const BIN_RIGHT = memory.data(BINS * 4 * 4, 16); // suffix area and count
const MAX_SAH_DEPTH: u32 = 48;

@inline function f(ptr: usize, word: u32): f32 {
  return load<f32>(ptr + (<usize>word << 2));
}
@inline function u(ptr: usize, word: u32): u32 {
  return load<u32>(ptr + (<usize>word << 2));
}
@inline function setf(ptr: usize, word: u32, v: f32): void {
  store<f32>(ptr + (<usize>word << 2), v);
}
@inline function setu(ptr: usize, word: u32, v: u32): void {
  store<u32>(ptr + (<usize>word << 2), v);
}

function ensure(end: usize): void {
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}

@inline function align16(p: usize): usize {
  return (p + 15) & ~(<usize>15);
}

/** Makes room for a scene buffer of `bytes` and returns where to write it. */
export function reserve(bytes: u32): usize {
  sceneBase = align16(__heap_base);
  ensure(sceneBase + <usize>bytes);
  top = sceneBase + <usize>bytes;
  numTris = 0;
  return sceneBase;
}

/** A scratch area of `bytes` after everything loaded (for pixel lists and output); moves when the scene changes. */
export function scratch(bytes: u32): usize {
  const p = align16(top);
  ensure(p + <usize>bytes);
  return p;
}

/** Checks the buffer written at reserve() and builds the acceleration structures. 0 on success, < 0 otherwise. */
export function loadScene(bytes: u32): i32 {
  numTris = 0;
  numEmis = 0;
  if (bytes < <u32>HEADER_WORDS * 4) return -1;
  if (u(sceneBase, 0) != MAGIC || u(sceneBase, 1) != VERSION) return -2;
  const tris = u(sceneBase, H_TRIS);
  const mats = u(sceneBase, H_MATS);
  const texs = u(sceneBase, H_TEXS);
  const lights = u(sceneBase, H_LIGHTS);
  const texels = u(sceneBase, H_TEXELS);
  if (mats == 0 || tris > 0x1000000 || mats > 0x100000 || texs > 0x10000 || lights > 0x10000 || texels > 0x10000000)
    return -3;
  const words =
    <u64>HEADER_WORDS +
    <u64>tris * TRI_WORDS +
    <u64>mats * MAT_WORDS +
    <u64>texs * TEX_WORDS +
    <u64>lights * LIGHT_WORDS +
    <u64>texels;
  if (words * 4 != <u64>bytes) return -4;
  triBase = sceneBase + <usize>HEADER_WORDS * 4;
  matBase = triBase + <usize>tris * TRI_WORDS * 4;
  texBase = matBase + <usize>mats * MAT_WORDS * 4;
  lightBase = texBase + <usize>texs * TEX_WORDS * 4;
  texelBase = lightBase + <usize>lights * LIGHT_WORDS * 4;
  for (let i: u32 = 0; i < tris; i++) if (u(triBase + <usize>i * TRI_WORDS * 4, T_MAT) >= mats) return -5;
  for (let i: u32 = 0; i < texs; i++) {
    const t = texBase + <usize>i * TEX_WORDS * 4;
    const w = u(t, 0);
    const h = u(t, 1);
    if (w == 0 || h == 0 || w > 0x10000 || h > 0x10000 || <u64>u(t, 2) + <u64>w * h > <u64>texels) return -6;
  }
  for (let i: u32 = 0; i < mats; i++) {
    const m = matBase + <usize>i * MAT_WORDS * 4;
    for (let k: u32 = 9; k < 12; k++) {
      const t = load<i32>(m + (<usize>k << 2));
      if (t < -1 || t >= <i32>texs) return -7;
    }
  }
  numMats = mats;
  numTexs = texs;
  numLights = lights;

  accelBase = align16(sceneBase + <usize>bytes);
  nodeBase = accelBase + <usize>tris * ACCEL_WORDS * 4;
  const order = nodeBase + <usize>(tris * 2 + 1) * 32;
  const cent = order + <usize>tris * 4;
  const boxes = cent + <usize>tris * 12;
  const work = boxes + <usize>tris * 24;
  emisBase = work; // reused after the build: the temporary arrays are no longer needed
  ensure(work + <usize>(tris * 2 + 64) * 8);
  top = emisBase + <usize>tris * 8;
  buildBvh(tris, order, cent, boxes, work);
  buildEmissive(tris);
  numTris = tris;
  return 0;
}

function buildBvh(n: u32, order: usize, cent: usize, boxes: usize, work: usize): void {
  for (let i: u32 = 0; i < n; i++) {
    const t = triBase + <usize>i * TRI_WORDS * 4;
    store<u32>(order + (<usize>i << 2), i);
    for (let a: u32 = 0; a < 3; a++) {
      const v0 = f(t, a);
      const v1 = f(t, 3 + a);
      const v2 = f(t, 6 + a);
      const lo = Mathf.min(v0, Mathf.min(v1, v2));
      const hi = Mathf.max(v0, Mathf.max(v1, v2));
      setf(boxes + <usize>i * 24, a, lo);
      setf(boxes + <usize>i * 24, 3 + a, hi);
      setf(cent + <usize>i * 12, a, (lo + hi) * 0.5);
    }
  }
  // Root node 0; children are allocated in pairs from 1. Work items: node, depth.
  let used: u32 = 1;
  setu(nodeBase, 6, 0);
  setu(nodeBase, 7, n);
  let sp: u32 = 0;
  if (n > 0) {
    setu(work, 0, 0);
    setu(work, 1, 0);
    sp = 1;
  } else {
    for (let a: u32 = 0; a < 6; a++) setf(nodeBase, a, 0);
  }
  while (sp > 0) {
    sp--;
    const node = u(work, sp * 2);
    const depth = u(work, sp * 2 + 1);
    const np = nodeBase + <usize>node * 32;
    const first = u(np, 6);
    const count = u(np, 7);
    let bminx: f32 = Infinity, bminy: f32 = Infinity, bminz: f32 = Infinity;
    let bmaxx: f32 = -Infinity, bmaxy: f32 = -Infinity, bmaxz: f32 = -Infinity;
    let cminx: f32 = Infinity, cminy: f32 = Infinity, cminz: f32 = Infinity;
    let cmaxx: f32 = -Infinity, cmaxy: f32 = -Infinity, cmaxz: f32 = -Infinity;
    for (let i: u32 = first; i < first + count; i++) {
      const p = u(order, i);
      const b = boxes + <usize>p * 24;
      const c = cent + <usize>p * 12;
      bminx = Mathf.min(bminx, f(b, 0));
      bminy = Mathf.min(bminy, f(b, 1));
      bminz = Mathf.min(bminz, f(b, 2));
      bmaxx = Mathf.max(bmaxx, f(b, 3));
      bmaxy = Mathf.max(bmaxy, f(b, 4));
      bmaxz = Mathf.max(bmaxz, f(b, 5));
      cminx = Mathf.min(cminx, f(c, 0));
      cminy = Mathf.min(cminy, f(c, 1));
      cminz = Mathf.min(cminz, f(c, 2));
      cmaxx = Mathf.max(cmaxx, f(c, 0));
      cmaxy = Mathf.max(cmaxy, f(c, 1));
      cmaxz = Mathf.max(cmaxz, f(c, 2));
    }
    setf(np, 0, bminx);
    setf(np, 1, bminy);
    setf(np, 2, bminz);
    setf(np, 3, bmaxx);
    setf(np, 4, bmaxy);
    setf(np, 5, bmaxz);
    if (count <= 2) continue;
    let mid: u32 = 0;
    if (depth < MAX_SAH_DEPTH) mid = sahSplit(order, cent, boxes, first, count, cminx, cminy, cminz, cmaxx, cmaxy, cmaxz, bmaxx - bminx, bmaxy - bminy, bmaxz - bminz);
    else mid = first + (count >> 1); // past this depth split by position in the list: keeps the tree shallow
    if (mid == 0xffffffff) continue; // a leaf is cheaper
    if (mid <= first || mid >= first + count) mid = first + (count >> 1);
    const left = used;
    used += 2;
    const lp = nodeBase + <usize>left * 32;
    setu(lp, 6, first);
    setu(lp, 7, mid - first);
    setu(lp + 32, 6, mid);
    setu(lp + 32, 7, first + count - mid);
    setu(np, 6, left);
    setu(np, 7, 0);
    // Push right then left so the left subtree is built first; the order only affects build time, not the tree.
    setu(work, sp * 2, left + 1);
    setu(work, sp * 2 + 1, depth + 1);
    setu(work, sp * 2 + 2, left);
    setu(work, sp * 2 + 3, depth + 1);
    sp += 2;
  }
  // Triangles in leaf order, with precomputed edges for the intersection test.
  for (let i: u32 = 0; i < n; i++) {
    const p = u(order, i);
    const t = triBase + <usize>p * TRI_WORDS * 4;
    const a = accelBase + <usize>i * ACCEL_WORDS * 4;
    for (let k: u32 = 0; k < 3; k++) {
      const v0 = f(t, k);
      setf(a, k, v0);
      setf(a, 3 + k, f(t, 3 + k) - v0);
      setf(a, 6 + k, f(t, 6 + k) - v0);
    }
    setu(a, 9, p);
    setf(a, 10, 0);
  }
}

@inline function halfArea(dx: f32, dy: f32, dz: f32): f32 {
  return dx * dy + dy * dz + dz * dx;
}

/** Binned SAH over three axes: returns the split index into `order` after partitioning, or 0xffffffff for a leaf. */
function sahSplit(
  order: usize,
  cent: usize,
  boxes: usize,
  first: u32,
  count: u32,
  cminx: f32,
  cminy: f32,
  cminz: f32,
  cmaxx: f32,
  cmaxy: f32,
  cmaxz: f32,
  ex: f32,
  ey: f32,
  ez: f32,
): u32 {
  for (let k: u32 = 0; k < 3 * BINS; k++) {
    const b = BIN_DATA + <usize>k * 32;
    setf(b, 0, Infinity);
    setf(b, 1, Infinity);
    setf(b, 2, Infinity);
    setf(b, 3, -Infinity);
    setf(b, 4, -Infinity);
    setf(b, 5, -Infinity);
    setu(b, 6, 0);
  }
  for (let i: u32 = first; i < first + count; i++) {
    const p = u(order, i);
    const bx = boxes + <usize>p * 24;
    for (let a: u32 = 0; a < 3; a++) {
      const bin = binOf(f(cent + <usize>p * 12, a), a == 0 ? cminx : a == 1 ? cminy : cminz, a == 0 ? cmaxx : a == 1 ? cmaxy : cmaxz);
      const b = BIN_DATA + <usize>(a * BINS + bin) * 32;
      for (let k: u32 = 0; k < 3; k++) {
        setf(b, k, Mathf.min(f(b, k), f(bx, k)));
        setf(b, 3 + k, Mathf.max(f(b, 3 + k), f(bx, 3 + k)));
      }
      setu(b, 6, u(b, 6) + 1);
    }
  }
  let bestCost: f32 = Infinity;
  let bestAxis: i32 = -1;
  let bestBin: u32 = 0;
  for (let a: u32 = 0; a < 3; a++) {
    const extent = a == 0 ? cmaxx - cminx : a == 1 ? cmaxy - cminy : cmaxz - cminz;
    if (!(extent > 0)) continue;
    // Suffix sums from the right.
    let rx0: f32 = Infinity, ry0: f32 = Infinity, rz0: f32 = Infinity;
    let rx1: f32 = -Infinity, ry1: f32 = -Infinity, rz1: f32 = -Infinity;
    let rc: u32 = 0;
    for (let k: i32 = BINS - 1; k > 0; k--) {
      const b = BIN_DATA + <usize>(a * BINS + k) * 32;
      const c = u(b, 6);
      if (c > 0) {
        rx0 = Mathf.min(rx0, f(b, 0));
        ry0 = Mathf.min(ry0, f(b, 1));
        rz0 = Mathf.min(rz0, f(b, 2));
        rx1 = Mathf.max(rx1, f(b, 3));
        ry1 = Mathf.max(ry1, f(b, 4));
        rz1 = Mathf.max(rz1, f(b, 5));
      }
      rc += c;
      setf(BIN_RIGHT + <usize>k * 16, 0, rc > 0 ? halfArea(rx1 - rx0, ry1 - ry0, rz1 - rz0) : 0);
      setu(BIN_RIGHT + <usize>k * 16, 1, rc);
    }
    let lx0: f32 = Infinity, ly0: f32 = Infinity, lz0: f32 = Infinity;
    let lx1: f32 = -Infinity, ly1: f32 = -Infinity, lz1: f32 = -Infinity;
    let lc: u32 = 0;
    for (let k: u32 = 0; k < <u32>BINS - 1; k++) {
      const b = BIN_DATA + <usize>(a * BINS + k) * 32;
      const c = u(b, 6);
      if (c > 0) {
        lx0 = Mathf.min(lx0, f(b, 0));
        ly0 = Mathf.min(ly0, f(b, 1));
        lz0 = Mathf.min(lz0, f(b, 2));
        lx1 = Mathf.max(lx1, f(b, 3));
        ly1 = Mathf.max(ly1, f(b, 4));
        lz1 = Mathf.max(lz1, f(b, 5));
      }
      lc += c;
      const rcount = u(BIN_RIGHT + <usize>(k + 1) * 16, 1);
      if (lc == 0 || rcount == 0) continue;
      const cost =
        halfArea(lx1 - lx0, ly1 - ly0, lz1 - lz0) * <f32>lc + f(BIN_RIGHT + <usize>(k + 1) * 16, 0) * <f32>rcount;
      if (cost < bestCost) {
        bestCost = cost;
        bestAxis = a;
        bestBin = k;
      }
    }
  }
  const nodeArea = halfArea(ex, ey, ez);
  if (bestAxis < 0) return count > 4 ? first + (count >> 1) : 0xffffffff;
  // Costs relative to one triangle test: a split costs a box pair test plus the children's expected tests.
  if (count <= 8 && nodeArea > 0 && 0.5 + bestCost / nodeArea >= <f32>count) return 0xffffffff;
  const a = <u32>bestAxis;
  const lo = a == 0 ? cminx : a == 1 ? cminy : cminz;
  const hi = a == 0 ? cmaxx : a == 1 ? cmaxy : cmaxz;
  let i = first;
  let j = first + count;
  while (i < j) {
    const p = u(order, i);
    if (binOf(f(cent + <usize>p * 12, a), lo, hi) <= bestBin) i++;
    else {
      j--;
      store<u32>(order + (<usize>i << 2), u(order, j));
      store<u32>(order + (<usize>j << 2), p);
    }
  }
  return i;
}

@inline function binOf(c: f32, lo: f32, hi: f32): u32 {
  const extent = hi - lo;
  if (!(extent > 0)) return 0;
  const b = <i32>((c - lo) * (<f32>BINS / extent));
  return <u32>min(max(b, 0), BINS - 1);
}

/** Emissive triangles with a pick distribution proportional to area times emitted luminance. */
function buildEmissive(n: u32): void {
  let total: f64 = 0;
  numEmis = 0;
  for (let i: u32 = 0; i < n; i++) {
    const a = accelBase + <usize>i * ACCEL_WORDS * 4;
    const w = emitWeight(a);
    if (w > 0) {
      total += <f64>w;
      setu(emisBase + <usize>numEmis * 8, 0, i);
      setf(emisBase + <usize>numEmis * 8, 1, <f32>total);
      numEmis++;
    }
  }
  if (numEmis == 0) return;
  const inv: f32 = <f32>(1.0 / total);
  let prev: f32 = 0;
  for (let k: u32 = 0; k < numEmis; k++) {
    const e = emisBase + <usize>k * 8;
    const cdf = k == numEmis - 1 ? <f32>1.0 : f(e, 1) * inv;
    setf(e, 1, cdf);
    const a = accelBase + <usize>u(e, 0) * ACCEL_WORDS * 4;
    // Probability of picking this triangle divided by its area: the light pdf per unit area.
    setf(a, 10, (cdf - prev) / triArea(a));
    prev = cdf;
  }
}

function triArea(a: usize): f32 {
  const cx = f(a, 4) * f(a, 8) - f(a, 5) * f(a, 7);
  const cy = f(a, 5) * f(a, 6) - f(a, 3) * f(a, 8);
  const cz = f(a, 3) * f(a, 7) - f(a, 4) * f(a, 6);
  return 0.5 * Mathf.sqrt(cx * cx + cy * cy + cz * cz);
}

function emitWeight(a: usize): f32 {
  const t = triBase + <usize>u(a, 9) * TRI_WORDS * 4;
  const m = matBase + <usize>u(t, T_MAT) * MAT_WORDS * 4;
  const lum: f32 = 0.2126 * f(m, M_EMISSIVE) + 0.7152 * f(m, M_EMISSIVE + 1) + 0.0722 * f(m, M_EMISSIVE + 2);
  if (!(lum > 0)) return 0;
  const area = triArea(a);
  if (!(area > 1e-12)) return 0;
  return lum * area;
}

/** Picks an emissive triangle for next-event estimation by binary search on the cumulative distribution. */
export function pickEmissive(r: f32): u32 {
  let lo: u32 = 0;
  let hi: u32 = numEmis - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f(emisBase + <usize>mid * 8, 1) > r) hi = mid;
    else lo = mid + 1;
  }
  return u(emisBase + <usize>lo * 8, 0);
}

export function accel(i: u32): usize {
  return accelBase + <usize>i * ACCEL_WORDS * 4;
}

// Closest hit of the last intersect(): distance, barycentrics and accel index.
export let HIT_T: f32 = 0;
export let HIT_U: f32 = 0;
export let HIT_V: f32 = 0;
export let HIT_I: u32 = 0;

@inline function safeInv(d: f32): f32 {
  // No zero direction components: keeps every slab product finite and free of 0 * Inf.
  return 1.0 / (Mathf.abs(d) < 1e-20 ? copysign<f32>(<f32>1e-20, d) : d);
}

@inline function slab(np: usize, ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32, tmax: f32): f32 {
  const tx0 = (f(np, 0) - ox) * ix;
  const tx1 = (f(np, 3) - ox) * ix;
  const ty0 = (f(np, 1) - oy) * iy;
  const ty1 = (f(np, 4) - oy) * iy;
  const tz0 = (f(np, 2) - oz) * iz;
  const tz1 = (f(np, 5) - oz) * iz;
  const tn = Mathf.max(Mathf.max(Mathf.min(tx0, tx1), Mathf.min(ty0, ty1)), Mathf.max(Mathf.min(tz0, tz1), 0));
  const tf = Mathf.min(Mathf.min(Mathf.max(tx0, tx1), Mathf.max(ty0, ty1)), Mathf.min(Mathf.max(tz0, tz1), tmax));
  return tn <= tf ? tn : Infinity;
}

/**
 * Closest hit along o + t·d for t in (0, tmax); with `any` it stops at the first hit (shadow rays).
 * Returns whether something was hit; the hit is in HIT_*.
 */
export function intersect(ox: f32, oy: f32, oz: f32, dx: f32, dy: f32, dz: f32, tmax: f32, any: bool): bool {
  if (numTris == 0) return false;
  const ix = safeInv(dx);
  const iy = safeInv(dy);
  const iz = safeInv(dz);
  let best = tmax;
  let hit = false;
  let node: u32 = 0;
  let sp: u32 = 0;
  if (slab(nodeBase, ox, oy, oz, ix, iy, iz, best) == Infinity) return false;
  while (true) {
    const np = nodeBase + <usize>node * 32;
    const count = u(np, 7);
    if (count > 0) {
      const first = u(np, 6);
      for (let i = first; i < first + count; i++) {
        const a = accelBase + <usize>i * ACCEL_WORDS * 4;
        const e1x = f(a, 3), e1y = f(a, 4), e1z = f(a, 5);
        const e2x = f(a, 6), e2y = f(a, 7), e2z = f(a, 8);
        const px = dy * e2z - dz * e2y;
        const py = dz * e2x - dx * e2z;
        const pz = dx * e2y - dy * e2x;
        const det = e1x * px + e1y * py + e1z * pz;
        if (Mathf.abs(det) < 1e-20) continue;
        const inv: f32 = 1.0 / det;
        const tx = ox - f(a, 0), ty = oy - f(a, 1), tz = oz - f(a, 2);
        const uu = (tx * px + ty * py + tz * pz) * inv;
        if (uu < 0 || uu > 1) continue;
        const qx = ty * e1z - tz * e1y;
        const qy = tz * e1x - tx * e1z;
        const qz = tx * e1y - ty * e1x;
        const vv = (dx * qx + dy * qy + dz * qz) * inv;
        if (vv < 0 || uu + vv > 1) continue;
        const t = (e2x * qx + e2y * qy + e2z * qz) * inv;
        if (t > 0 && t < best) {
          best = t;
          hit = true;
          HIT_T = t;
          HIT_U = uu;
          HIT_V = vv;
          HIT_I = i;
          if (any) return true;
        }
      }
    } else {
      const left = u(np, 6);
      const lp = nodeBase + <usize>left * 32;
      let d1 = slab(lp, ox, oy, oz, ix, iy, iz, best);
      let d2 = slab(lp + 32, ox, oy, oz, ix, iy, iz, best);
      let c1 = left;
      let c2 = left + 1;
      if (d2 < d1) {
        const td = d1;
        d1 = d2;
        d2 = td;
        c1 = left + 1;
        c2 = left;
      }
      if (d1 != Infinity) {
        if (d2 != Infinity) {
          store<u32>(STACK + (<usize>sp << 3), c2);
          store<f32>(STACK + (<usize>sp << 3) + 4, d2);
          sp++;
        }
        node = c1;
        continue;
      }
    }
    // Pop, skipping nodes entered beyond the closest hit found since they were pushed.
    while (true) {
      if (sp == 0) return hit;
      sp--;
      node = load<u32>(STACK + (<usize>sp << 3));
      if (load<f32>(STACK + (<usize>sp << 3) + 4) < best) break;
    }
  }
  return hit;
}
