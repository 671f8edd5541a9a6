// Entry of the tracer module: camera rays, the path loop with next-event estimation for punctual and emissive
// lights, Russian roulette, and tone mapping to RGBA8. Exports reserve/loadScene/scratch/renderTile/renderPixels.
import {
  H_CAM_FWD,
  H_CAM_POS,
  H_CAM_RIGHT,
  H_CAM_SCALE,
  H_CAM_TYPE,
  H_CAM_UP,
  H_ENV,
  H_EXPOSURE,
  H_FRAME,
  H_KEY_HI,
  H_KEY_LO,
  H_MAX_DEPTH,
  LIGHT_WORDS,
} from "./layout";
import { clamp01, powf } from "./math";
import { rand, seedSample } from "./rng";
import {
  accel,
  HIT_I,
  HIT_T,
  HIT_U,
  HIT_V,
  intersect,
  lightBase,
  numEmis,
  numLights,
  pickEmissive,
  sceneBase,
} from "./scene";
import {
  ALPHA,
  BB,
  BG,
  BR,
  EB,
  EG,
  ER,
  evalBsdf,
  FB,
  FG,
  FR,
  initLut,
  MET,
  NX,
  NY,
  NZ,
  PDF,
  raiseAlpha,
  sampleBsdf,
  surfaceAt,
  WX,
  WY,
  WZ,
} from "./shade";

export { loadScene, reserve, scratch } from "./scene";

@inline function hf(word: u32): f32 {
  return load<f32>(sceneBase + (<usize>word << 2));
}
@inline function hu(word: u32): u32 {
  return load<u32>(sceneBase + (<usize>word << 2));
}
@inline function af(a: usize, word: u32): f32 {
  return load<f32>(a + (<usize>word << 2));
}

const RR_DEPTH: u32 = 3;
const REGULARIZE_ALPHA: f32 = 0.25; // roughness 0.5
const MAX_WEIGHT: f32 = 1e4;

// Radiance of the current sample.
let LR: f32 = 0;
let LG: f32 = 0;
let LB: f32 = 0;

/** Whether the segment from p toward unit direction w is unblocked up to distance dist. */
@inline function visible(px: f32, py: f32, pz: f32, wx: f32, wy: f32, wz: f32, dist: f32): bool {
  return !intersect(px, py, pz, wx, wy, wz, dist, true);
}

function tracePath(ox0: f32, oy0: f32, oz0: f32, dx0: f32, dy0: f32, dz0: f32): void {
  let ox = ox0, oy = oy0, oz = oz0, dx = dx0, dy = dy0, dz = dz0;
  let tr: f32 = 1, tg: f32 = 1, tb: f32 = 1;
  let prevPdf: f32 = 0; // 0: the ray comes from the camera, so emission counts in full
  let minAlpha: f32 = 0;
  LR = 0;
  LG = 0;
  LB = 0;
  const maxDepth = hu(H_MAX_DEPTH);
  for (let depth: u32 = 0; depth < maxDepth; depth++) {
    if (!intersect(ox, oy, oz, dx, dy, dz, Infinity, false)) {
      LR += tr * hf(H_ENV);
      LG += tg * hf(H_ENV + 1);
      LB += tb * hf(H_ENV + 2);
      return;
    }
    const a = accel(HIT_I);
    const tri = load<u32>(a + 36);
    const t = HIT_T;
    const px = ox + dx * t, py = oy + dy * t, pz = oz + dz * t;
    // Geometric normal from the edges, turned toward the viewer (surfaces are two-sided).
    let gx = af(a, 4) * af(a, 8) - af(a, 5) * af(a, 7);
    let gy = af(a, 5) * af(a, 6) - af(a, 3) * af(a, 8);
    let gz = af(a, 3) * af(a, 7) - af(a, 4) * af(a, 6);
    const gl = Mathf.sqrt(gx * gx + gy * gy + gz * gz);
    gx /= gl;
    gy /= gl;
    gz /= gl;
    const wox = -dx, woy = -dy, woz = -dz;
    const cosO = gx * wox + gy * woy + gz * woz;
    if (cosO < 0) {
      gx = -gx;
      gy = -gy;
      gz = -gz;
    }
    surfaceAt(tri, HIT_U, HIT_V, false, cosO < 0);
    raiseAlpha(minAlpha);
    if (ER + EG + EB > 0) {
      let w: f32 = 1;
      if (prevPdf > 0) {
        const lp = af(a, 10) * t * t / Mathf.max(Mathf.abs(cosO), 1e-6);
        w = (prevPdf * prevPdf) / (prevPdf * prevPdf + lp * lp);
      }
      LR += tr * ER * w;
      LG += tg * EG * w;
      LB += tb * EB * w;
    }
    // Shading normal: interpolated, or the geometric one when absent; kept on the viewer's side.
    let nx = NX, ny = NY, nz = NZ;
    const nl = nx * nx + ny * ny + nz * nz;
    if (nl > 1e-12) {
      const inv: f32 = 1.0 / Mathf.sqrt(nl);
      nx *= inv;
      ny *= inv;
      nz *= inv;
      if (nx * gx + ny * gy + nz * gz < 0) {
        nx = -nx;
        ny = -ny;
        nz = -nz;
      }
    } else {
      nx = gx;
      ny = gy;
      nz = gz;
    }
    const eps: f32 = 1e-4 * (1.0 + Mathf.max(Mathf.abs(px), Mathf.max(Mathf.abs(py), Mathf.abs(pz))));
    const sx = px + gx * eps, sy = py + gy * eps, sz = pz + gz * eps;
    const br = BR, bg = BG, bb = BB, met = MET, alpha = ALPHA;

    // Punctual lights: delta distributions, sampled directly.
    for (let li: u32 = 0; li < numLights; li++) {
      const l = lightBase + <usize>li * LIGHT_WORDS * 4;
      const type = load<u32>(l);
      let wx: f32, wy: f32, wz: f32, dist: f32, att: f32;
      if (type == 1) {
        wx = -af(l, 7);
        wy = -af(l, 8);
        wz = -af(l, 9);
        dist = Infinity;
        att = 1;
      } else {
        wx = af(l, 4) - sx;
        wy = af(l, 5) - sy;
        wz = af(l, 6) - sz;
        const d2 = wx * wx + wy * wy + wz * wz;
        if (!(d2 > 1e-12)) continue;
        dist = Mathf.sqrt(d2);
        wx /= dist;
        wy /= dist;
        wz /= dist;
        att = 1.0 / d2;
        const range = af(l, 10);
        if (range > 0) {
          const q = dist / range;
          const q2 = q * q;
          const fall = clamp01(1.0 - q2 * q2);
          att *= fall * fall;
        }
        if (type == 2) {
          const cd = -(wx * af(l, 7) + wy * af(l, 8) + wz * af(l, 9));
          const inner = af(l, 11), outer = af(l, 12);
          const span = inner - outer;
          const s = span > 1e-6 ? clamp01((cd - outer) / span) : cd >= outer ? <f32>1 : <f32>0;
          att *= s * s;
        }
      }
      if (!(att > 0) || wx * gx + wy * gy + wz * gz <= 0) continue;
      evalBsdf(nx, ny, nz, wox, woy, woz, wx, wy, wz);
      if (!(PDF > 0)) continue;
      if (!visible(sx, sy, sz, wx, wy, wz, dist)) continue;
      LR += tr * FR * af(l, 1) * att;
      LG += tg * FG * af(l, 2) * att;
      LB += tb * FB * af(l, 3) * att;
    }

    // Emissive triangles: one light sample, weighted against BSDF sampling by the power heuristic.
    if (numEmis > 0) {
      const r0 = rand(), r1 = rand(), r2 = rand();
      const la = accel(pickEmissive(r0));
      const su = Mathf.sqrt(r1);
      const c1 = su * (1.0 - r2), c2 = su * r2;
      const qx = af(la, 0) + af(la, 3) * c1 + af(la, 6) * c2;
      const qy = af(la, 1) + af(la, 4) * c1 + af(la, 7) * c2;
      const qz = af(la, 2) + af(la, 5) * c1 + af(la, 8) * c2;
      let wx = qx - sx, wy = qy - sy, wz = qz - sz;
      const d2 = wx * wx + wy * wy + wz * wz;
      if (d2 > 1e-12) {
        const dist = Mathf.sqrt(d2);
        wx /= dist;
        wy /= dist;
        wz /= dist;
        let lx = af(la, 4) * af(la, 8) - af(la, 5) * af(la, 7);
        let ly = af(la, 5) * af(la, 6) - af(la, 3) * af(la, 8);
        let lz = af(la, 3) * af(la, 7) - af(la, 4) * af(la, 6);
        const ll = Mathf.sqrt(lx * lx + ly * ly + lz * lz);
        const facing = lx * wx + ly * wy + lz * wz; // > 0: the sample sees the light's back face
        const cosL = Mathf.abs(facing) / ll;
        if (cosL > 1e-6 && wx * gx + wy * gy + wz * gz > 0) {
          evalBsdf(nx, ny, nz, wox, woy, woz, wx, wy, wz);
          if (PDF > 0) {
            const lightPdf = (af(la, 10) * d2) / cosL;
            // Stop just short of the light so the light itself does not count as a blocker.
            if (visible(sx, sy, sz, wx, wy, wz, dist * 0.9999)) {
              const fr = FR, fg = FG, fb = FB, bp = PDF;
              surfaceAt(load<u32>(la + 36), c1, c2, true, facing > 0);
              const w = (lightPdf * lightPdf) / (lightPdf * lightPdf + bp * bp) / lightPdf;
              LR += tr * fr * ER * w;
              LG += tg * fg * EG * w;
              LB += tb * fb * EB * w;
            }
          }
        }
      }
      // surfaceAt(…, true) only rewrote emission; restore the shading inputs for the BSDF sample below.
      restore(br, bg, bb, met, alpha);
    }

    // Continue the path by sampling the BSDF.
    const r0 = rand(), r1 = rand(), r2 = rand();
    sampleBsdf(nx, ny, nz, wox, woy, woz, r0, r1, r2);
    const ix = WX, iy = WY, iz = WZ;
    if (ix * gx + iy * gy + iz * gz <= 0) return;
    evalBsdf(nx, ny, nz, wox, woy, woz, ix, iy, iz);
    if (!(PDF > 1e-12)) return;
    // Per-bounce weights are bounded so a run of near-zero pdfs can never overflow the throughput to infinity.
    tr *= Mathf.min(FR / PDF, MAX_WEIGHT);
    tg *= Mathf.min(FG / PDF, MAX_WEIGHT);
    tb *= Mathf.min(FB / PDF, MAX_WEIGHT);
    prevPdf = PDF;
    if (alpha >= REGULARIZE_ALPHA) minAlpha = REGULARIZE_ALPHA;
    if (depth + 1 >= RR_DEPTH) {
      const p = Mathf.min(Mathf.max(tr, Mathf.max(tg, tb)), 0.95);
      if (!(rand() < p)) return;
      tr /= p;
      tg /= p;
      tb /= p;
    }
    ox = sx;
    oy = sy;
    oz = sz;
    dx = ix;
    dy = iy;
    dz = iz;
  }
}

import { setSurface } from "./shade";
@inline function restore(br: f32, bg: f32, bb: f32, met: f32, alpha: f32): void {
  setSurface(br, bg, bb, met, alpha);
}

let sceneKey: u64 = 0;
let frame: u32 = 0;

/** Renders one pixel with spp samples and writes RGBA8 at out. */
function renderPixel(x: u32, y: u32, width: u32, height: u32, spp: u32, out: usize): void {
  const camType = hu(H_CAM_TYPE);
  const scale = hf(H_CAM_SCALE);
  const aspect = <f32>width / <f32>height;
  const cx = hf(H_CAM_POS), cy = hf(H_CAM_POS + 1), cz = hf(H_CAM_POS + 2);
  const rx = hf(H_CAM_RIGHT), ry = hf(H_CAM_RIGHT + 1), rz = hf(H_CAM_RIGHT + 2);
  const ux = hf(H_CAM_UP), uy = hf(H_CAM_UP + 1), uz = hf(H_CAM_UP + 2);
  const fx = hf(H_CAM_FWD), fy = hf(H_CAM_FWD + 1), fz = hf(H_CAM_FWD + 2);
  const pixel = y * width + x;
  let sr: f32 = 0, sg: f32 = 0, sb: f32 = 0;
  for (let s: u32 = 0; s < spp; s++) {
    seedSample(sceneKey, frame, pixel, s);
    const jx = rand(), jy = rand();
    const ndx: f32 = (2.0 * (<f32>x + jx)) / <f32>width - 1.0;
    const ndy: f32 = 1.0 - (2.0 * (<f32>y + jy)) / <f32>height;
    const h = ndx * scale * aspect;
    const v = ndy * scale;
    if (camType == 1) {
      tracePath(cx + rx * h + ux * v, cy + ry * h + uy * v, cz + rz * h + uz * v, fx, fy, fz);
    } else {
      let dx = fx + rx * h + ux * v, dy = fy + ry * h + uy * v, dz = fz + rz * h + uz * v;
      const inv: f32 = 1.0 / Mathf.sqrt(dx * dx + dy * dy + dz * dz);
      tracePath(cx, cy, cz, dx * inv, dy * inv, dz * inv);
    }
    sr += LR;
    sg += LG;
    sb += LB;
  }
  const k = hf(H_EXPOSURE) / <f32>spp;
  store<u8>(out, toByte(sr * k));
  store<u8>(out + 1, toByte(sg * k));
  store<u8>(out + 2, toByte(sb * k));
  store<u8>(out + 3, 255);
}

/** ACES filmic curve (Narkowicz fit), then the sRGB transfer function, rounded to a byte. */
function toByte(x0: f32): u8 {
  const x = Mathf.max(x0, 0);
  const m = clamp01((x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14));
  const s: f32 = m <= 0.0031308 ? 12.92 * m : 1.055 * powf(m, 1.0 / 2.4) - 0.055;
  return <u8>(<i32>(clamp01(s) * 255.0 + 0.5));
}

function begin(): void {
  initLut();
  sceneKey = (<u64>hu(H_KEY_HI) << 32) | <u64>hu(H_KEY_LO);
  frame = hu(H_FRAME);
}

/** Renders the w×h rectangle at (x, y) of a width×height frame into out (RGBA8 rows). */
export function renderTile(width: u32, height: u32, spp: u32, x: u32, y: u32, w: u32, h: u32, out: usize): void {
  begin();
  for (let j: u32 = 0; j < h; j++) {
    for (let i: u32 = 0; i < w; i++) renderPixel(x + i, y + j, width, height, spp, out + (<usize>(j * w + i) << 2));
  }
}

/** Renders `count` pixels given as (x, y) u32 pairs at coords into out (RGBA8 each). */
export function renderPixels(width: u32, height: u32, spp: u32, count: u32, coords: usize, out: usize): void {
  begin();
  for (let k: u32 = 0; k < count; k++) {
    const x = load<u32>(coords + (<usize>k << 3));
    const y = load<u32>(coords + (<usize>k << 3) + 4);
    renderPixel(x, y, width, height, spp, out + (<usize>k << 2));
  }
}
