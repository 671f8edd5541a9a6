import assert from "node:assert/strict";
import { test } from "node:test";
import { SandboxInvalidModuleError, SandboxMemoryLimitError } from "./errors.ts";
import { watToWasm } from "./fixtures/load-fixture.ts";
import { capModuleMemory, capPagesFor, wasmPageBytes } from "./memory-cap.ts";
import { type WasmMemory, wasm } from "./wasm-api.ts";

async function capped(memory: string, capPages: number) {
  const bytes = await watToWasm("t.wat", `(module ${memory} (func (export "_start")))`, { threads: true });
  return capModuleMemory(bytes, capPages);
}

/** Grows the module's exported memory page by page until it refuses; returns the page count reached. */
function growToLimit(bytes: Uint8Array): number {
  const memory = new wasm.Instance(new wasm.Module(bytes), {}).exports.memory as WasmMemory;
  for (;;) {
    try {
      memory.grow(1); // from JS a refused grow throws; inside wasm it returns -1
    } catch {
      return memory.buffer.byteLength / wasmPageBytes;
    }
    if (memory.buffer.byteLength > 64 * wasmPageBytes) throw new Error("no cap");
  }
}

test("a memory without a maximum gets the cap as its maximum, and grow stops there", async () => {
  const out = await capped(`(memory (export "memory") 1)`, 5);
  assert.deepEqual(out.memories, [{ initialPages: 1, maximumPages: 5 }]);
  assert.equal(growToLimit(out.bytes), 5);
});

test("a declared maximum above the cap is lowered, one below it is kept", async () => {
  assert.equal(growToLimit((await capped(`(memory (export "memory") 2 1000)`, 6)).bytes), 6);
  assert.equal(growToLimit((await capped(`(memory (export "memory") 2 3)`, 6)).bytes), 3);
});

test("the cap may need a longer LEB128 than the old limits (section sizes are re-encoded)", async () => {
  const out = await capped(`(memory (export "memory") 0)`, capPagesFor(4 * 2 ** 30));
  assert.deepEqual(out.memories, [{ initialPages: 0, maximumPages: 65_536 }]);
  assert.ok(wasm.validate(out.bytes));
});

test("an imported memory is capped in the import section and reported with its name", async () => {
  const bytes = await watToWasm(
    "t.wat",
    `(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
       (import "env" "memory" (memory 2)) (func (export "_start")))`,
  );
  const out = capModuleMemory(bytes, 4);
  assert.deepEqual(out.memories, [{ import: { module: "env", name: "memory" }, initialPages: 2, maximumPages: 4 }]);
  assert.deepEqual(wasm.Module.imports(new wasm.Module(out.bytes)), wasm.Module.imports(new wasm.Module(bytes)));
});

test("a module without memory comes back byte for byte", async () => {
  const bytes = await watToWasm("t.wat", `(module (func (export "_start")) (data "") (global i32 (i32.const 1)))`);
  assert.deepEqual(capModuleMemory(bytes, 1).bytes, bytes);
});

test("an initial memory above the cap is refused", async () => {
  await assert.rejects(capped(`(memory 10)`, 9), (error: unknown) => {
    assert.ok(error instanceof SandboxMemoryLimitError);
    assert.deepEqual(error.details, { initialPages: 10, capPages: 9, capBytes: 9 * wasmPageBytes });
    return true;
  });
  await capped(`(memory 9)`, 9);
});

test("shared memory, memory64 and several memories are refused with a reason", async () => {
  await assert.rejects(capped(`(memory 1 2 shared)`, 4), /shared memory/);
  const m64 = await watToWasm("t.wat", `(module (memory i64 1))`, { memory64: true });
  assert.throws(() => capModuleMemory(m64, 4), /memory64/);
  const multi = await watToWasm("t.wat", `(module (memory 1) (memory 1))`, { multi_memory: true });
  assert.throws(() => capModuleMemory(multi, 4), /2 memories/);
});

test("bytes that are not a core module are refused as invalid", async () => {
  const good = await watToWasm("t.wat", `(module (memory 1) (func (export "_start")))`);
  const cases: [string, Uint8Array][] = [
    ["garbage", new TextEncoder().encode("#!/bin/sh\necho hi\n")],
    ["empty", new Uint8Array(0)],
    ["a component", Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00)],
    ["truncated", good.subarray(0, good.length - 3)],
    ["a bad section size", Uint8Array.of(...good.subarray(0, 8), 0x05, 0xff, 0xff, 0xff, 0xff, 0x7f)],
  ];
  for (const [what, bytes] of cases) {
    assert.throws(() => capModuleMemory(bytes, 4), SandboxInvalidModuleError, what);
  }
});
