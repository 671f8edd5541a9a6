// The KeccakBatch on keccak.wat: each call copies a chunk of inputs into the module's memory and hashes it in one go.
import type { KeccakBatch } from "./batch.ts";
import { keccakWasmBase64 } from "./keccak-wasm.generated.ts";

interface KeccakExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  hash64(input: number, output: number, count: number): void;
  hash32(input: number, output: number, count: number): void;
  leaves(input: number, output: number, count: number): void;
  pairs(input: number, output: number, count: number): void;
}

// The lib settings (es2023, node types) carry no WebAssembly declarations, and the global is absent under --jitless.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

const BASE = 1024; // below this the module keeps its round constants and state (see keccak.wat)
const CHUNK = 8192; // inputs per call: 512 KiB in and 256 KiB out, so a chunk stays in cache while it is hashed
const IN = BASE;
const OUT = IN + 64 * CHUNK;
const PAGE = 65536;

/** The WebAssembly backend, or undefined where this runtime cannot instantiate the module. */
export function wasmKeccakBatch(): KeccakBatch | undefined {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) return undefined;
  let exports: KeccakExports;
  try {
    exports = new api.Instance(new api.Module(Buffer.from(keccakWasmBase64, "base64"))).exports as KeccakExports;
  } catch {
    return undefined;
  }
  const { memory } = exports;
  const pages = Math.ceil((OUT + 32 * CHUNK) / PAGE) - memory.buffer.byteLength / PAGE;
  if (pages > 0) memory.grow(pages);
  // Taken after growing: growth detaches the old buffer, and the memory never grows again.
  const mem = new Uint8Array(memory.buffer);

  const run =
    (fn: (input: number, output: number, count: number) => void, inSize: number) =>
    (input: Uint8Array, inOff: number, output: Uint8Array, outOff: number, count: number): void => {
      for (let done = 0; done < count; ) {
        const n = Math.min(CHUNK, count - done);
        const from = inOff + inSize * done;
        mem.set(input.subarray(from, from + inSize * n), IN);
        fn(IN, OUT, n);
        output.set(mem.subarray(OUT, OUT + 32 * n), outOff + 32 * done);
        done += n;
      }
    };
  return {
    name: "wasm",
    hash64: run(exports.hash64, 64),
    hash32: run(exports.hash32, 32),
    leaves: run(exports.leaves, 64),
    pairs: run(exports.pairs, 64),
  };
}
