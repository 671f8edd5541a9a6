// The batch keccak-256 interface the earnings tree hashes through, and the choice of backend (WebAssembly, else noble).
import { nobleKeccakBatch } from "./noble.ts";
import { wasmKeccakBatch } from "./wasm.ts";

/**
 * keccak-256 over many fixed-size inputs per call. Inputs are read from `input` at `inOff` (64 or 32 bytes each,
 * back to back) and digests written to `output` at `outOff`, 32 bytes each. `output` may be `input` only where the
 * digests start at or before the inputs (`outOff <= inOff`), as when a Merkle level is hashed in place.
 */
export interface KeccakBatch {
  /** Which implementation this is, for benchmarks and logs. */
  readonly name: string;
  /** keccak256 of each 64-byte input. */
  hash64(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number, count: number): void;
  /** keccak256 of each 32-byte input. */
  hash32(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number, count: number): void;
  /** keccak256(keccak256(x)) of each 64-byte input: OpenZeppelin StandardMerkleTree leaves of abi.encode'd pairs. */
  leaves(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number, count: number): void;
  /** keccak256 of each 64-byte input's two 32-byte halves in ascending order: OpenZeppelin's commutative pair hash. */
  pairs(input: Uint8Array, inOff: number, output: Uint8Array, outOff: number, count: number): void;
}

let chosen: KeccakBatch | undefined;

/** The fastest backend this runtime offers: WebAssembly (about 10x noble), or noble where WebAssembly is off. */
export function keccakBatch(): KeccakBatch {
  chosen ??= wasmKeccakBatch() ?? nobleKeccakBatch;
  return chosen;
}
