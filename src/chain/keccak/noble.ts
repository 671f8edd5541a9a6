// The reference KeccakBatch on @noble/hashes: the fallback where WebAssembly is unavailable, and the tests' oracle.
import { keccak_256, keccakP } from "@noble/hashes/sha3.js";
import type { KeccakBatch } from "./batch.ts";

const RATE = 136; // keccak-256 absorbs 136 bytes per block; every input here fits one block.
const state = new Uint8Array(200);
const state32 = new Uint32Array(state.buffer);
// keccakP works on little-endian lane words; on a big-endian host use the hasher object instead.
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** keccak256 of the first `len` (<= 64) bytes of `state`, into `out[outOff..+32]`; leaves the digest in `state`. */
function permuteInto(len: number, out: Uint8Array, outOff: number): void {
  if (littleEndian) {
    // Calling keccakP directly skips the hasher object: the padding is fixed because the input is one block.
    state32.fill(0, len >> 2);
    state[len] = 0x01;
    state[RATE - 1] = 0x80;
    keccakP(state32, 24);
  } else {
    state.set(keccak_256(state.subarray(0, len)), 0);
  }
  if (out !== state || outOff !== 0) out.set(state.subarray(0, 32), outOff);
}

/** Whether the 32 bytes at `b` sort before those at `a` (unsigned, big-endian), so a pair must be swapped. */
function swapped(buf: Uint8Array, a: number, b: number): boolean {
  for (let i = 0; i < 32; i++) {
    const x = buf[a + i] as number;
    const y = buf[b + i] as number;
    if (x !== y) return y < x;
  }
  return false;
}

export const nobleKeccakBatch: KeccakBatch = {
  name: "noble",
  hash64(input, inOff, output, outOff, count) {
    for (let i = 0; i < count; i++) {
      state.set(input.subarray(inOff + 64 * i, inOff + 64 * i + 64), 0);
      permuteInto(64, output, outOff + 32 * i);
    }
  },
  hash32(input, inOff, output, outOff, count) {
    for (let i = 0; i < count; i++) {
      state.set(input.subarray(inOff + 32 * i, inOff + 32 * i + 32), 0);
      permuteInto(32, output, outOff + 32 * i);
    }
  },
  leaves(input, inOff, output, outOff, count) {
    for (let i = 0; i < count; i++) {
      state.set(input.subarray(inOff + 64 * i, inOff + 64 * i + 64), 0);
      permuteInto(64, state, 0);
      permuteInto(32, output, outOff + 32 * i);
    }
  },
  pairs(input, inOff, output, outOff, count) {
    for (let i = 0; i < count; i++) {
      const a = inOff + 64 * i;
      const [first, second] = swapped(input, a, a + 32) ? [a + 32, a] : [a, a + 32];
      state.set(input.subarray(first, first + 32), 0);
      state.set(input.subarray(second, second + 32), 32);
      permuteInto(64, output, outOff + 32 * i);
    }
  },
};
