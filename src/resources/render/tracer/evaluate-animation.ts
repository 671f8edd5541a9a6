// Node transforms at a point in time: glTF animation channels (STEP, LINEAR with slerp for rotations,
// CUBICSPLINE) applied over the rest pose, using only exactly rounded arithmetic so every machine agrees.
import { detAcos, detSin } from "./det-math.ts";
import type { SceneChannel, SceneData } from "./types.ts";

export interface NodePose {
  translation: number[];
  rotation: number[];
  scale: number[];
}

/** The TRS of every node at `time` seconds (rest pose where no channel applies). */
export function evaluatePoses(data: SceneData, time: number): NodePose[] {
  const poses = data.nodes.map((n) => ({
    translation: [...n.translation],
    rotation: [...n.rotation],
    scale: [...n.scale],
  }));
  for (const channel of data.animations) {
    const pose = poses[channel.node];
    if (pose) pose[channel.path] = sampleChannel(channel, time);
  }
  return poses;
}

function sampleChannel(c: SceneChannel, time: number): number[] {
  const size = c.path === "rotation" ? 4 : 3;
  const cubic = c.interpolation === 2;
  // Value of key k (for cubic splines the value sits between the in- and out-tangents).
  const key = (k: number, part = 1): number[] => {
    const base = cubic ? (k * 3 + part) * size : k * size;
    return Array.from(c.values.subarray(base, base + size));
  };
  const times = c.times;
  const last = times.length - 1;
  if (time <= (times[0] as number)) return finish(key(0), c.path);
  if (time >= (times[last] as number)) return finish(key(last), c.path);
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= time) lo = mid;
    else hi = mid;
  }
  const t0 = times[lo] as number;
  const t1 = times[hi] as number;
  const span = t1 - t0;
  const u = span > 0 ? (time - t0) / span : 0;
  if (c.interpolation === 1) return finish(key(lo), c.path);
  if (cubic) {
    const u2 = u * u;
    const u3 = u2 * u;
    const v0 = key(lo);
    const b0 = key(lo, 2);
    const a1 = key(hi, 0);
    const v1 = key(hi);
    const out = v0.map(
      (_, i) =>
        (2 * u3 - 3 * u2 + 1) * (v0[i] as number) +
        (u3 - 2 * u2 + u) * span * (b0[i] as number) +
        (-2 * u3 + 3 * u2) * (v1[i] as number) +
        (u3 - u2) * span * (a1[i] as number),
    );
    return finish(out, c.path);
  }
  if (c.path === "rotation") return slerp(key(lo), key(hi), u);
  const a = key(lo);
  const b = key(hi);
  return a.map((v, i) => v + ((b[i] as number) - v) * u);
}

function finish(v: number[], path: string): number[] {
  return path === "rotation" ? normalize(v) : v;
}

function normalize(q: number[]): number[] {
  const len = Math.sqrt(q.reduce((s, x) => s + x * x, 0));
  return len > 0 ? q.map((x) => x / len) : [0, 0, 0, 1];
}

/** Spherical interpolation along the shorter arc; falls back to normalized lerp for nearly equal rotations. */
export function slerp(a: number[], b0: number[], u: number): number[] {
  let dot = a.reduce((s, x, i) => s + x * (b0[i] as number), 0);
  const b = dot < 0 ? b0.map((x) => -x) : b0;
  dot = Math.abs(dot);
  if (dot > 0.9995) return normalize(a.map((x, i) => x + ((b[i] as number) - x) * u));
  const theta = detAcos(dot);
  const s = detSin(theta);
  const wa = detSin((1 - u) * theta) / s;
  const wb = detSin(u * theta) / s;
  return normalize(a.map((x, i) => wa * x + wb * (b[i] as number)));
}
