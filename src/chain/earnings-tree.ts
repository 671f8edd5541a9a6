// Earnings Merkle tree for Rewards claims: OZ StandardMerkleTree leaves over (address, uint256), sorted-pair hashing, flat buffers.
import { keccak_256, keccakP } from "@noble/hashes/sha3.js";
import { InvalidInputError } from "../core/errors.ts";

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** One leaf: the cumulative amount `account` has earned up to the root's epoch. */
export interface EarningsEntry {
  account: Hex;
  cumulativeAmount: bigint;
}

/** A built tree. Leaf `i` is entry `i` (input order is kept); levels pair (2k, 2k+1), an odd last node moves up. */
export interface EarningsTree {
  /** The earnings root posted on chain. */
  readonly root: Hex;
  /** Number of leaves. */
  readonly size: number;
  /** Number of levels above the leaves (the longest proof). */
  readonly depth: number;
  /** The leaf hash of entry `index`. */
  getLeaf(index: number): Hex;
  /** Sibling hashes from leaf `index` up, for `Rewards.claim`. */
  getProof(index: number): Hex[];
}

/** Bad input to the tree: an invalid address or amount, an empty entry list, an index out of range. */
export class EarningsTreeError extends InvalidInputError {
  override name = "EarningsTreeError";

  constructor(message: string, details: string, options?: { cause?: unknown }) {
    super(`${message}: ${details}`, { details: { reason: details }, cause: options?.cause });
  }
}

const RATE = 136; // keccak-256 absorbs 136 bytes per block; every input here is one block.
const state = new Uint8Array(200);
const state32 = new Uint32Array(state.buffer);
// keccakP works on little-endian lane words; on a big-endian host fall back to the hasher object.
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** keccak256 of `len` (32 or 64) bytes already written at the start of `state`, into `out[outOff..+32]`. */
function permuteInto(len: number, out: Uint8Array, outOff: number): void {
  if (littleEndian) {
    state32.fill(0, len >> 2);
    state[len] = 0x01;
    state[RATE - 1] = 0x80;
    keccakP(state32, 24);
    for (let i = 0; i < 32; i++) out[outOff + i] = state[i] as number;
  } else {
    out.set(keccak_256(state.subarray(0, len)), outOff);
  }
}

/** Writes keccak256(abi.encode(account, amount)) then keccak256 of that (the OZ leaf) into `out`. */
function leafInto(addr: Uint8Array, amount: bigint, out: Uint8Array, outOff: number): void {
  for (let i = 0; i < 12; i++) state[i] = 0;
  for (let i = 0; i < 20; i++) state[12 + i] = addr[i] as number;
  const digits = amount.toString(16);
  const pad = 64 - digits.length;
  for (let i = 0; i < 32; i++) {
    const at = 2 * i - pad;
    const hi = at >= 0 ? (NIBBLE[digits.charCodeAt(at)] as number) : 0;
    const lo = at + 1 >= 0 ? (NIBBLE[digits.charCodeAt(at + 1)] as number) : 0;
    state[32 + i] = (hi << 4) | lo;
  }
  permuteInto(64, state, 0);
  permuteInto(32, out, outOff);
}

/** Writes keccak256(sorted(a, b)) into `out`: the OZ commutative pair hash. */
function pairInto(buf: Uint8Array, aOff: number, bOff: number, out: Uint8Array, outOff: number): void {
  let first = aOff;
  let second = bOff;
  for (let i = 0; i < 32; i++) {
    const x = buf[aOff + i] as number;
    const y = buf[bOff + i] as number;
    if (x !== y) {
      if (y < x) {
        first = bOff;
        second = aOff;
      }
      break;
    }
  }
  for (let i = 0; i < 32; i++) state[i] = buf[first + i] as number;
  for (let i = 0; i < 32; i++) state[32 + i] = buf[second + i] as number;
  permuteInto(64, out, outOff);
}

const HEX = "0123456789abcdef";
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE[HEX.charCodeAt(i)] = i;
  NIBBLE[HEX.toUpperCase().charCodeAt(i)] = i;
}

function toHex(buf: Uint8Array, off: number, len: number): Hex {
  let s = "0x";
  for (let i = off; i < off + len; i++) {
    const b = buf[i] as number;
    s += (HEX[b >> 4] as string) + (HEX[b & 15] as string);
  }
  return s as Hex;
}

function parseHex(value: string, bytes: number, what: string, into?: Uint8Array): Uint8Array {
  if (
    typeof value !== "string" ||
    value.length !== 2 + 2 * bytes ||
    value[0] !== "0" ||
    (value[1] !== "x" && value[1] !== "X")
  ) {
    throw new EarningsTreeError(`invalid ${what}`, `expected 0x and ${2 * bytes} hex digits, got ${String(value)}`);
  }
  const out = into ?? new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    const hi = NIBBLE[value.charCodeAt(2 + 2 * i)] ?? -1;
    const lo = NIBBLE[value.charCodeAt(3 + 2 * i)] ?? -1;
    if (hi < 0 || lo < 0) throw new EarningsTreeError(`invalid ${what}`, `not hex: ${value}`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const MAX_UINT256 = (1n << 256n) - 1n;

function checkAmount(amount: bigint, index: number): void {
  if (typeof amount !== "bigint" || amount < 0n || amount > MAX_UINT256) {
    throw new EarningsTreeError("invalid cumulative amount", `entry ${index}: ${String(amount)} is not a uint256`);
  }
}

/** The leaf of `(account, cumulativeAmount)`: keccak256(bytes.concat(keccak256(abi.encode(account, amount)))). */
export function hashEarningsLeaf(account: Hex, cumulativeAmount: bigint): Hex {
  checkAmount(cumulativeAmount, 0);
  const out = new Uint8Array(32);
  leafInto(parseHex(account, 20, "account"), cumulativeAmount, out, 0);
  return toHex(out, 0, 32);
}

/** Whether `proof` proves `(account, cumulativeAmount)` under `root` with sorted-pair hashing (OZ MerkleProof). */
export function verifyEarningsProof(root: Hex, account: Hex, cumulativeAmount: bigint, proof: readonly Hex[]): boolean {
  const buf = new Uint8Array(64);
  checkAmount(cumulativeAmount, 0);
  leafInto(parseHex(account, 20, "account"), cumulativeAmount, buf, 0);
  for (const sibling of proof) {
    parseHex(sibling, 32, "proof node", buf.subarray(32, 64));
    pairInto(buf, 0, 32, buf, 0);
  }
  return toHex(buf, 0, 32) === root.toLowerCase();
}

/**
 * Builds the tree over `entries` (kept in input order). All levels live in one buffer: leaves first, then each
 * level above, 32 bytes per node. About 3 keccak permutations per entry; a million entries take a few seconds.
 */
export function buildEarningsTree(entries: readonly EarningsEntry[]): EarningsTree {
  const n = entries.length;
  if (n === 0) throw new EarningsTreeError("cannot build an earnings tree", "no entries");
  const offsets: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (let count = n; ; count = Math.ceil(count / 2)) {
    offsets.push(total * 32);
    counts.push(count);
    total += count;
    if (count === 1) break;
  }
  const nodes = new Uint8Array(total * 32);
  const addr = new Uint8Array(20);
  for (let i = 0; i < n; i++) {
    const entry = entries[i] as EarningsEntry;
    checkAmount(entry.cumulativeAmount, i);
    try {
      parseHex(entry.account, 20, "account", addr);
    } catch (error) {
      throw new EarningsTreeError("invalid account", `entry ${i}: ${String(entry.account)}`, { cause: error });
    }
    leafInto(addr, entry.cumulativeAmount, nodes, i * 32);
  }
  for (let level = 0; level + 1 < counts.length; level++) {
    const count = counts[level] as number;
    const from = offsets[level] as number;
    const to = offsets[level + 1] as number;
    const pairs = count >> 1;
    for (let k = 0; k < pairs; k++) {
      pairInto(nodes, from + 64 * k, from + 64 * k + 32, nodes, to + 32 * k);
    }
    if (count & 1) nodes.copyWithin(to + 32 * pairs, from + 64 * pairs, from + 64 * pairs + 32);
  }
  const depth = counts.length - 1;
  const checkIndex = (index: number): void => {
    if (!Number.isInteger(index) || index < 0 || index >= n) {
      throw new EarningsTreeError("leaf index out of range", `${index} not in [0, ${n})`);
    }
  };
  return {
    root: toHex(nodes, offsets[depth] as number, 32),
    size: n,
    depth,
    getLeaf(index: number): Hex {
      checkIndex(index);
      return toHex(nodes, index * 32, 32);
    },
    getProof(index: number): Hex[] {
      checkIndex(index);
      const proof: Hex[] = [];
      let i = index;
      for (let level = 0; level < depth; level++) {
        const sibling = i ^ 1;
        if (sibling < (counts[level] as number))
          proof.push(toHex(nodes, (offsets[level] as number) + sibling * 32, 32));
        i >>= 1;
      }
      return proof;
    },
  };
}
