// A small seeded random source (sfc32 seeded from sha256), so one seed replays a whole simulation: the population,
// every dispatch, audit lottery, cheat and missed challenge. Independent streams come from `fork(label)`, so adding
// draws to one concern does not shift another's.
import { createHash } from "node:crypto";
import type { Hex } from "viem";

export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** `count` random bytes as 0x-hex. */
  hex(count: number): Hex;
  /** An independent stream derived from this one's seed and `label`. */
  fork(label: string): SeededRandom;
  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/** Deterministic bytes for `label` under `seed`: key seeds and wallet keys derive from these. */
export function deriveBytes(seed: string, label: string): Buffer {
  return createHash("sha256").update(`gw-sim/${seed}/${label}`).digest();
}

export function createSeededRandom(seed: string): SeededRandom {
  const state = deriveBytes(seed, "random");
  let a = state.readUInt32LE(0);
  let b = state.readUInt32LE(4);
  let c = state.readUInt32LE(8);
  let d = state.readUInt32LE(12);
  const u32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32();
  const random: SeededRandom = {
    next: () => u32() / 4294967296,
    int: (n) => Math.floor((u32() / 4294967296) * n),
    between: (min, max) => min + (u32() / 4294967296) * (max - min),
    hex(count) {
      const bytes = Buffer.alloc(count);
      for (let i = 0; i < count; i += 4) {
        const word = u32();
        for (let k = 0; k < 4 && i + k < count; k++) bytes[i + k] = (word >>> (8 * k)) & 0xff;
      }
      return `0x${bytes.toString("hex")}`;
    },
    fork: (label) => createSeededRandom(`${seed}/${label}`),
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor((u32() / 4294967296) * (i + 1));
        const tmp = items[i] as (typeof items)[number];
        items[i] = items[j] as (typeof items)[number];
        items[j] = tmp;
      }
      return items;
    },
  };
  return random;
}
