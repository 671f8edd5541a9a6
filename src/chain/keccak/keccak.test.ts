import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { renderKeccakWasm } from "./assemble.ts";
import { keccakBatch } from "./batch.ts";
import { nobleKeccakBatch } from "./noble.ts";
import { wasmKeccakBatch } from "./wasm.ts";

const wasm = wasmKeccakBatch();

function digests(input: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array((input.length / size) * 32);
  for (let i = 0; i < input.length / size; i++) out.set(keccak_256(input.subarray(size * i, size * i + size)), 32 * i);
  return out;
}

test("the WebAssembly backend loads here and is the one chosen", () => {
  assert.ok(wasm);
  assert.equal(keccakBatch().name, "wasm");
});

test("committed keccak-wasm.generated.ts matches keccak.wat", async () => {
  const wat = readFileSync(join(import.meta.dirname, "keccak.wat"), "utf8");
  const committed = readFileSync(join(import.meta.dirname, "keccak-wasm.generated.ts"), "utf8");
  assert.equal(committed, await renderKeccakWasm(wat), "run `node bin/run-ts.js scripts/gen-keccak-wasm.ts`");
});

for (const backend of [wasm, nobleKeccakBatch]) {
  if (!backend) continue;
  test(`${backend.name}: hash64 and hash32 equal noble keccak_256 on random inputs, across chunk boundaries`, () => {
    for (const count of [1, 2, 3, 8191, 8192, 8193, 20000]) {
      const in64 = randomBytes(64 * count);
      const out = new Uint8Array(32 * count);
      backend.hash64(in64, 0, out, 0, count);
      assert.deepEqual(out, digests(in64, 64), `64-byte inputs, count ${count}`);
      const in32 = randomBytes(32 * count);
      backend.hash32(in32, 0, out, 0, count);
      assert.deepEqual(out, digests(in32, 32), `32-byte inputs, count ${count}`);
    }
  });

  test(`${backend.name}: all-zero inputs (the empty state after absorbing zeros) and all-ones inputs`, () => {
    for (const fill of [0x00, 0xff]) {
      const input = new Uint8Array(64).fill(fill);
      const out = new Uint8Array(32);
      backend.hash64(input, 0, out, 0, 1);
      assert.deepEqual(out, keccak_256(input));
      backend.hash32(input, 0, out, 0, 1);
      assert.deepEqual(out, keccak_256(input.subarray(0, 32)));
    }
    // A known vector: keccak256(bytes32(0)).
    const zero = new Uint8Array(32);
    const out = new Uint8Array(32);
    backend.hash32(zero, 0, out, 0, 1);
    assert.equal(Buffer.from(out).toString("hex"), "290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563");
  });

  test(`${backend.name}: leaves is a double hash and pairs sorts each pair, with offsets and in place`, () => {
    const count = 9000;
    const input = randomBytes(64 * count + 64);
    // Make some pairs equal in a long prefix, and some identical, to exercise the byte-by-byte comparison.
    input.copy(input, 64 * 5 + 32, 64 * 5, 64 * 5 + 31);
    input.copy(input, 64 * 6 + 32, 64 * 6, 64 * 6 + 32);
    const out = new Uint8Array(32 * count + 32);
    backend.leaves(input, 64, out, 32, count);
    for (const i of [0, 1, 4095, 8191, 8192, count - 1]) {
      const at = 64 + 64 * i;
      assert.deepEqual(out.subarray(32 + 32 * i, 64 + 32 * i), keccak_256(keccak_256(input.subarray(at, at + 64))));
    }
    backend.pairs(input, 0, out, 0, count);
    for (let i = 0; i < count; i++) {
      const a = input.subarray(64 * i, 64 * i + 32);
      const b = input.subarray(64 * i + 32, 64 * i + 64);
      const sorted = Buffer.compare(a, b) <= 0 ? Buffer.concat([a, b]) : Buffer.concat([b, a]);
      assert.deepEqual(out.subarray(32 * i, 32 * i + 32), keccak_256(sorted), `pair ${i}`);
    }
    const inPlace = Uint8Array.from(input);
    backend.pairs(inPlace, 0, inPlace, 0, count);
    assert.deepEqual(inPlace.subarray(0, 32 * count), out.subarray(0, 32 * count));
  });
}
