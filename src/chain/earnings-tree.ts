// Earnings Merkle tree for Rewards claims: OZ StandardMerkleTree leaves over (address, uint256), sorted-pair hashing, flat buffers.
import { InvalidInputError } from "../core/errors.ts";
import { keccakBatch } from "./keccak/batch.ts";

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

/**
 * Writes abi.encode(account, amount) (64 bytes) at `buf[off..]`: the address right-aligned in the first word, the
 * amount big-endian in the second. Throws on a bad address; the amount must already be checked to fit.
 */
function encodeLeafInput(account: string, amount: bigint, buf: Uint8Array, off: number): void {
  buf.fill(0, off, off + 12);
  parseHex(account, 20, "account", buf, off + 12);
  const digits = amount.toString(16);
  const pad = 64 - digits.length;
  for (let i = 0; i < 32; i++) {
    const at = 2 * i - pad;
    const hi = at >= 0 ? (NIBBLE[digits.charCodeAt(at)] as number) : 0;
    const lo = at + 1 >= 0 ? (NIBBLE[digits.charCodeAt(at + 1)] as number) : 0;
    buf[off + 32 + i] = (hi << 4) | lo;
  }
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

function parseHex(value: string, bytes: number, what: string, into?: Uint8Array, at = 0): Uint8Array {
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
    out[at + i] = (hi << 4) | lo;
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
  const buf = new Uint8Array(64);
  encodeLeafInput(account, cumulativeAmount, buf, 0);
  keccakBatch().leaves(buf, 0, buf, 0, 1);
  return toHex(buf, 0, 32);
}

/** Whether `proof` proves `(account, cumulativeAmount)` under `root` with sorted-pair hashing (OZ MerkleProof). */
export function verifyEarningsProof(root: Hex, account: Hex, cumulativeAmount: bigint, proof: readonly Hex[]): boolean {
  const keccak = keccakBatch();
  const buf = new Uint8Array(64);
  checkAmount(cumulativeAmount, 0);
  encodeLeafInput(account, cumulativeAmount, buf, 0);
  keccak.leaves(buf, 0, buf, 0, 1);
  for (const sibling of proof) {
    parseHex(sibling, 32, "proof node", buf, 32);
    keccak.pairs(buf, 0, buf, 0, 1);
  }
  return toHex(buf, 0, 32) === root.toLowerCase();
}

// Leaves are encoded this many at a time into a scratch buffer, then hashed in one batch call.
const LEAF_CHUNK = 4096;

/**
 * Builds the tree over `entries` (kept in input order). All levels live in one buffer: leaves first, then each
 * level above, 32 bytes per node. About 3 keccak permutations per entry, hashed in batches (WebAssembly keccak where
 * available): a million entries take about two seconds on one core, most of it hashing.
 */
export function buildEarningsTree(entries: readonly EarningsEntry[]): EarningsTree {
  const n = entries.length;
  if (n === 0) throw new EarningsTreeError("cannot build an earnings tree", "no entries");
  const keccak = keccakBatch();
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
  const scratch = new Uint8Array(64 * Math.min(n, LEAF_CHUNK));
  for (let start = 0; start < n; start += LEAF_CHUNK) {
    const end = Math.min(n, start + LEAF_CHUNK);
    for (let i = start; i < end; i++) {
      const entry = entries[i] as EarningsEntry;
      checkAmount(entry.cumulativeAmount, i);
      try {
        encodeLeafInput(entry.account, entry.cumulativeAmount, scratch, 64 * (i - start));
      } catch (error) {
        throw new EarningsTreeError("invalid account", `entry ${i}: ${String(entry.account)}`, { cause: error });
      }
    }
    keccak.leaves(scratch, 0, nodes, 32 * start, end - start);
  }
  for (let level = 0; level + 1 < counts.length; level++) {
    const count = counts[level] as number;
    const from = offsets[level] as number;
    const to = offsets[level + 1] as number;
    const pairs = count >> 1;
    keccak.pairs(nodes, from, nodes, to, pairs);
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
