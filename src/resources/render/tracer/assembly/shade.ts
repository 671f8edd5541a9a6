// Materials (glTF metallic-roughness with textures) and the BSDF: Lambert diffuse plus GGX specular with Smith
// shadowing and Schlick Fresnel, sampled by picking a lobe and evaluated as their mixture (one-sample MIS).
import { M_BASE_TEX, M_DOUBLE_SIDED, M_EM_TEX, M_EMISSIVE, M_METALLIC, M_MR_TEX, M_ROUGHNESS, MAT_WORDS, T_MAT, T_N0, T_UV0, TEX_WORDS, TRI_WORDS } from "./layout";
import { clamp01, COS, INV_PI, powf, SIN, sincosTurns } from "./math";
import { matBase, texBase, texelBase, triBase } from "./scene";

const SRGB_LUT = memory.data(256 * 4, 16);
let lutReady = false;

/** sRGB byte to linear, computed once with the tracer's own pow. */
export function initLut(): void {
  if (lutReady) return;
  for (let i = 0; i < 256; i++) {
    const c = <f32>i / 255.0;
    const v: f32 = c <= 0.04045 ? c / 12.92 : powf((c + 0.055) / 1.055, 2.4);
    store<f32>(SRGB_LUT + (<usize>i << 2), v);
  }
  lutReady = true;
}

@inline function f(ptr: usize, word: u32): f32 {
  return load<f32>(ptr + (<usize>word << 2));
}

// Texture sample result.
let TR: f32 = 0;
let TG: f32 = 0;
let TB: f32 = 0;

@inline function wrapCoord(c: f32, mode: u32): f32 {
  if (mode == 1) return clamp01(c);
  if (mode == 2) {
    const t = c - 2.0 * Mathf.floor(c * 0.5);
    return t > 1.0 ? 2.0 - t : t;
  }
  return c - Mathf.floor(c);
}

@inline function wrapIndex(i: i32, n: i32, mode: u32): i32 {
  if (mode == 0) return i < 0 ? i + n : i >= n ? i - n : i;
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

@inline function texel(tex: usize, x: i32, y: i32, w: i32, srgb: bool, k: u32): f32 {
  const b = load<u8>(texelBase + ((<usize>word(tex, 2) + <usize>y * w + x) << 2) + k);
  return srgb ? load<f32>(SRGB_LUT + (<usize>b << 2)) : <f32>b * (1.0 / 255.0);
}

@inline function word(tex: usize, word: u32): u32 {
  return load<u32>(tex + (<usize>word << 2));
}

/** Bilinear sample of texture `index` at (s, t) into TR, TG, TB (linear). */
function sampleTexture(index: i32, s: f32, t: f32): void {
  const tex = texBase + <usize>index * TEX_WORDS * 4;
  const w = <i32>word(tex, 0);
  const h = <i32>word(tex, 1);
  const ws = word(tex, 3);
  const wt = word(tex, 4);
  const srgb = word(tex, 5) != 0;
  const fx = wrapCoord(s, ws) * <f32>w - 0.5;
  const fy = wrapCoord(t, wt) * <f32>h - 0.5;
  const x0f = Mathf.floor(fx);
  const y0f = Mathf.floor(fy);
  const ax = fx - x0f;
  const ay = fy - y0f;
  const x0 = wrapIndex(<i32>x0f, w, ws);
  const x1 = wrapIndex(<i32>x0f + 1, w, ws);
  const y0 = wrapIndex(<i32>y0f, h, wt);
  const y1 = wrapIndex(<i32>y0f + 1, h, wt);
  const w00: f32 = (1.0 - ax) * (1.0 - ay);
  const w10 = ax * (1.0 - ay);
  const w01: f32 = (1.0 - ax) * ay;
  const w11 = ax * ay;
  TR = texel(tex, x0, y0, w, srgb, 0) * w00 + texel(tex, x1, y0, w, srgb, 0) * w10 + texel(tex, x0, y1, w, srgb, 0) * w01 + texel(tex, x1, y1, w, srgb, 0) * w11;
  TG = texel(tex, x0, y0, w, srgb, 1) * w00 + texel(tex, x1, y0, w, srgb, 1) * w10 + texel(tex, x0, y1, w, srgb, 1) * w01 + texel(tex, x1, y1, w, srgb, 1) * w11;
  TB = texel(tex, x0, y0, w, srgb, 2) * w00 + texel(tex, x1, y0, w, srgb, 2) * w10 + texel(tex, x0, y1, w, srgb, 2) * w01 + texel(tex, x1, y1, w, srgb, 2) * w11;
}

// Surface at a hit, in world space: base color, metallic, alpha (roughness²), emission, interpolated normal.
export let BR: f32 = 0;
export let BG: f32 = 0;
export let BB: f32 = 0;
export let MET: f32 = 0;
export let ALPHA: f32 = 0;
export let ER: f32 = 0;
export let EG: f32 = 0;
export let EB: f32 = 0;
export let NX: f32 = 0;
export let NY: f32 = 0;
export let NZ: f32 = 0;

/**
 * Fills the surface globals for triangle `tri` (scene index) at barycentrics (b1, b2). `backFace`: the side seen is
 * the back of the triangle, which emits nothing unless the material is double-sided.
 */
export function surfaceAt(tri: u32, b1: f32, b2: f32, emissionOnly: bool, backFace: bool): void {
  const t = triBase + <usize>tri * TRI_WORDS * 4;
  const b0: f32 = 1.0 - b1 - b2;
  const m = matBase + <usize>load<u32>(t + (<usize>T_MAT << 2)) * MAT_WORDS * 4;
  const s = f(t, T_UV0) * b0 + f(t, T_UV0 + 2) * b1 + f(t, T_UV0 + 4) * b2;
  const v = f(t, T_UV0 + 1) * b0 + f(t, T_UV0 + 3) * b1 + f(t, T_UV0 + 5) * b2;
  ER = f(m, M_EMISSIVE);
  EG = f(m, M_EMISSIVE + 1);
  EB = f(m, M_EMISSIVE + 2);
  if (backFace && load<u32>(m + (<usize>M_DOUBLE_SIDED << 2)) == 0) {
    ER = 0;
    EG = 0;
    EB = 0;
  }
  const et = load<i32>(m + (<usize>M_EM_TEX << 2));
  if (et >= 0 && ER + EG + EB > 0) {
    sampleTexture(et, s, v);
    ER *= TR;
    EG *= TG;
    EB *= TB;
  }
  if (emissionOnly) return;
  BR = f(m, 0);
  BG = f(m, 1);
  BB = f(m, 2);
  const bt = load<i32>(m + (<usize>M_BASE_TEX << 2));
  if (bt >= 0) {
    sampleTexture(bt, s, v);
    BR *= TR;
    BG *= TG;
    BB *= TB;
  }
  MET = f(m, M_METALLIC);
  let rough = f(m, M_ROUGHNESS);
  const mt = load<i32>(m + (<usize>M_MR_TEX << 2));
  if (mt >= 0) {
    sampleTexture(mt, s, v);
    rough *= TG;
    MET *= TB;
  }
  MET = clamp01(MET);
  rough = Mathf.max(clamp01(rough), 0.045);
  ALPHA = rough * rough;
  NX = f(t, T_N0) * b0 + f(t, T_N0 + 3) * b1 + f(t, T_N0 + 6) * b2;
  NY = f(t, T_N0 + 1) * b0 + f(t, T_N0 + 4) * b1 + f(t, T_N0 + 7) * b2;
  NZ = f(t, T_N0 + 2) * b0 + f(t, T_N0 + 5) * b1 + f(t, T_N0 + 8) * b2;
}

// BSDF evaluation result: value f·cos (per channel) and pdf (solid angle).
export let FR: f32 = 0;
export let FG: f32 = 0;
export let FB: f32 = 0;
export let PDF: f32 = 0;
// Sampled direction.
export let WX: f32 = 0;
export let WY: f32 = 0;
export let WZ: f32 = 0;

@inline function specProbability(nov: f32): f32 {
  const fw = powf5(1.0 - nov);
  const f0: f32 = 0.04 * (1.0 - MET) + lum(BR, BG, BB) * MET;
  const spec = f0 + (1.0 - f0) * fw;
  const diff = lum(BR, BG, BB) * (1.0 - MET) * (1.0 - spec);
  const total = spec + diff;
  if (!(total > 0)) return 0.5;
  return Mathf.min(Mathf.max(spec / total, 0.1), 0.9);
}

@inline function powf5(x: f32): f32 {
  const x2 = x * x;
  return x2 * x2 * x;
}

@inline export function lum(r: f32, g: f32, b: f32): f32 {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * f(wo, wi)·cos and the sampling pdf of wi, for shading normal n. Both directions point away from the surface.
 * Sets PDF = 0 when wi is below the surface.
 */
export function evalBsdf(nx: f32, ny: f32, nz: f32, ox: f32, oy: f32, oz: f32, ix: f32, iy: f32, iz: f32): void {
  const nol = nx * ix + ny * iy + nz * iz;
  const nov = Mathf.max(nx * ox + ny * oy + nz * oz, 1e-4);
  if (!(nol > 0)) {
    FR = 0;
    FG = 0;
    FB = 0;
    PDF = 0;
    return;
  }
  let hx = ox + ix, hy = oy + iy, hz = oz + iz;
  const hl = Mathf.sqrt(hx * hx + hy * hy + hz * hz);
  if (!(hl > 1e-12)) {
    FR = 0;
    FG = 0;
    FB = 0;
    PDF = 0;
    return;
  }
  hx /= hl;
  hy /= hl;
  hz /= hl;
  const noh = clamp01(nx * hx + ny * hy + nz * hz);
  const voh = Mathf.max(ox * hx + oy * hy + oz * hz, 1e-4);
  const a2 = ALPHA * ALPHA;
  const dd = noh * noh * (a2 - 1.0) + 1.0;
  const d = a2 / (3.14159265 * dd * dd);
  const g1v: f32 = (2.0 * nov) / (nov + Mathf.sqrt(a2 + (1.0 - a2) * nov * nov));
  const g1l: f32 = (2.0 * nol) / (nol + Mathf.sqrt(a2 + (1.0 - a2) * nol * nol));
  const fw = powf5(1.0 - voh);
  const f0r: f32 = 0.04 * (1.0 - MET) + BR * MET;
  const f0g: f32 = 0.04 * (1.0 - MET) + BG * MET;
  const f0b: f32 = 0.04 * (1.0 - MET) + BB * MET;
  const fr = f0r + (1.0 - f0r) * fw;
  const fg = f0g + (1.0 - f0g) * fw;
  const fb = f0b + (1.0 - f0b) * fw;
  // Specular term times cos: D G F / (4 nov nol) · nol.
  const spec = (d * g1v * g1l) / (4.0 * nov);
  const diff: f32 = (1.0 - MET) * INV_PI * nol;
  FR = fr * spec + (1.0 - fr) * BR * diff;
  FG = fg * spec + (1.0 - fg) * BG * diff;
  FB = fb * spec + (1.0 - fb) * BB * diff;
  const ps = specProbability(nov);
  PDF = ps * ((d * noh) / (4.0 * voh)) + (1.0 - ps) * nol * INV_PI;
}

/** Samples wi for outgoing wo around normal n with random numbers r0 (lobe), r1, r2; result in WX, WY, WZ. */
export function sampleBsdf(nx: f32, ny: f32, nz: f32, ox: f32, oy: f32, oz: f32, r0: f32, r1: f32, r2: f32): void {
  // Orthonormal basis around n (Duff et al. 2017), branch-free except for the sign.
  const sign = copysign<f32>(<f32>1.0, nz);
  const a: f32 = -1.0 / (sign + nz);
  const b = nx * ny * a;
  const tx: f32 = 1.0 + sign * nx * nx * a, ty = sign * b, tz = -sign * nx;
  const bx = b, by = sign + ny * ny * a, bz = -ny;
  const nov = Mathf.max(nx * ox + ny * oy + nz * oz, 1e-4);
  sincosTurns(r2);
  if (r0 < specProbability(nov)) {
    // GGX normal distribution sample of the half vector, then reflect wo about it.
    const a2 = ALPHA * ALPHA;
    const cos2: f32 = (1.0 - r1) / (1.0 + (a2 - 1.0) * r1);
    const cosT = Mathf.sqrt(Mathf.max(cos2, 0));
    const sinT = Mathf.sqrt(Mathf.max(1.0 - cos2, 0));
    const lx = sinT * COS, ly = sinT * SIN;
    const hx = tx * lx + bx * ly + nx * cosT;
    const hy = ty * lx + by * ly + ny * cosT;
    const hz = tz * lx + bz * ly + nz * cosT;
    const voh = ox * hx + oy * hy + oz * hz;
    WX = 2.0 * voh * hx - ox;
    WY = 2.0 * voh * hy - oy;
    WZ = 2.0 * voh * hz - oz;
  } else {
    const r = Mathf.sqrt(r1);
    const lx = r * COS, ly = r * SIN;
    const lz = Mathf.sqrt(Mathf.max(1.0 - r1, 0));
    WX = tx * lx + bx * ly + nx * lz;
    WY = ty * lx + by * ly + ny * lz;
    WZ = tz * lx + bz * ly + nz * lz;
  }
}

/** Restores the BSDF inputs of a surface after an emission-only lookup elsewhere. */
export function setSurface(br: f32, bg: f32, bb: f32, met: f32, alpha: f32): void {
  BR = br;
  BG = bg;
  BB = bb;
  MET = met;
  ALPHA = alpha;
}

/**
 * Path regularisation: once a path has bounced off a rough surface, later surfaces are at least that rough. This
 * trades a little sharpness in glossy inter-reflections for far fewer caustic fireflies at low sample counts.
 */
export function raiseAlpha(min: f32): void {
  ALPHA = Mathf.max(ALPHA, min);
}
