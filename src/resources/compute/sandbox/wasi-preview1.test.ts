import assert from "node:assert/strict";
import { test } from "node:test";
import { WasiPreview1Host, wasiErrno, wasiPreview1Functions } from "./wasi-preview1.ts";
import { type WasmMemory, wasm } from "./wasm-api.ts";

type Call = (...args: (number | bigint)[]) => number;

function setup(options: { stdin?: Uint8Array; outputBytes?: number } = {}) {
  const host = new WasiPreview1Host({
    args: ["job.wasm"],
    env: [],
    stdin: options.stdin ?? new Uint8Array(0),
    outputBytes: options.outputBytes ?? 1024,
  });
  const memory: WasmMemory = new wasm.Memory({ initial: 1, maximum: 1 });
  host.bindMemory(memory);
  const fns = host.imports as unknown as Record<string, Call>;
  const call = (name: string, ...args: (number | bigint)[]) => {
    const fn = fns[name];
    if (!fn) throw new Error(`no ${name}`);
    return fn(...args);
  };
  const dv = () => new DataView(memory.buffer);
  const bytes = () => new Uint8Array(memory.buffer);
  /** Puts `data` at 1024 and one iovec for it at 0. */
  const iov = (data: Uint8Array) => {
    bytes().set(data, 1024);
    dv().setUint32(0, 1024, true);
    dv().setUint32(4, data.length, true);
  };
  return { host, call, dv, bytes, iov };
}

test("answers the whole preview1 API, 46 functions", () => {
  assert.equal(wasiPreview1Functions.size, 46);
  for (const name of ["fd_write", "path_open", "sock_accept", "poll_oneoff", "proc_raise", "fd_renumber"]) {
    assert.ok(wasiPreview1Functions.has(name), name);
  }
});

test("every path_* and sock_* call is refused with ENOTCAPABLE and recorded once", () => {
  const { host, call } = setup();
  const refused = [...wasiPreview1Functions].filter((n) => n.startsWith("path_") || n.startsWith("sock_"));
  assert.equal(refused.length, 14);
  for (const name of refused) assert.equal(call(name, 3, 0, 0, 0, 0, 0n, 0n, 0, 0), wasiErrno.notcapable, name);
  call("path_open", 3, 0, 0, 0, 0, 0n, 0n, 0, 0);
  assert.deepEqual(host.refusedCapabilities, refused);
});

test("no preopened directories, no seeking on stdio, no fds beyond 0-2", () => {
  const { call, dv } = setup();
  assert.equal(call("fd_prestat_get", 3, 0), wasiErrno.badf);
  assert.equal(call("fd_seek", 1, 0n, 0, 0), wasiErrno.spipe);
  assert.equal(call("fd_tell", 0, 0), wasiErrno.spipe);
  assert.equal(call("fd_seek", 3, 0n, 0, 0), wasiErrno.badf);
  assert.equal(call("fd_write", 3, 0, 0, 0), wasiErrno.badf);
  assert.equal(call("fd_read", 1, 0, 0, 0), wasiErrno.badf);
  assert.equal(call("fd_fdstat_get", 1, 64), wasiErrno.success);
  assert.equal(dv().getUint8(64), 2, "character device");
  assert.equal(dv().getBigUint64(72, true), (1n << 6n) | (1n << 27n), "fd_write + poll rights");
  assert.equal(call("fd_close", 1), wasiErrno.success);
  assert.equal(call("fd_write", 1, 0, 0, 0), wasiErrno.badf);
  assert.equal(call("fd_fdstat_get", 1, 64), wasiErrno.badf);
});

test("a pointer outside memory is EFAULT, not a crash", () => {
  const { call, dv } = setup();
  dv().setUint32(0, 65_530, true);
  dv().setUint32(4, 100, true);
  assert.equal(call("fd_write", 1, 0, 1, 8), wasiErrno.fault);
  assert.equal(call("args_sizes_get", 70_000, 0), wasiErrno.fault);
  assert.equal(call("random_get", -1, 16), wasiErrno.fault);
});

test("stdin is read in pieces until EOF", () => {
  const { call, dv, bytes } = setup({ stdin: Uint8Array.of(1, 2, 3, 4, 5) });
  dv().setUint32(0, 1024, true);
  dv().setUint32(4, 3, true);
  assert.equal(call("fd_read", 0, 0, 1, 8), 0);
  assert.equal(dv().getUint32(8, true), 3);
  assert.deepEqual([...bytes().subarray(1024, 1027)], [1, 2, 3]);
  assert.equal(call("fd_read", 0, 0, 1, 8), 0);
  assert.equal(dv().getUint32(8, true), 2);
  assert.deepEqual([...bytes().subarray(1024, 1026)], [4, 5]);
  assert.equal(call("fd_read", 0, 0, 1, 8), 0);
  assert.equal(dv().getUint32(8, true), 0);
});

test("the output cap counts stdout and stderr together and keeps exactly the bytes that fit", () => {
  const { host, call, iov } = setup({ outputBytes: 10 });
  iov(new TextEncoder().encode("123456"));
  const outcome = host.run(() => {
    assert.equal(call("fd_write", 1, 0, 1, 8), 0);
    call("fd_write", 2, 0, 1, 8);
    assert.fail("fd_write past the cap must not return");
  });
  assert.deepEqual(outcome, { kind: "output-limit" });
  assert.equal(new TextDecoder().decode(host.stdout.view()), "123456");
  assert.equal(new TextDecoder().decode(host.stderr.view()), "1234");
});

test("proc_exit unwinds with an unsigned exit code, and every later call unwinds too", () => {
  const { host, call } = setup();
  const outcome = host.run(() => {
    try {
      call("proc_exit", -1);
    } catch {
      // A guest that swallows the unwind (wasm catch_all) gets nowhere: the next call unwinds again.
    }
    call("sched_yield");
  });
  assert.deepEqual(outcome, { kind: "exited", exitCode: 4_294_967_295 });
});

test("clocks answer in nanoseconds and are metered; an unknown clock is EINVAL", () => {
  const { host, call, dv } = setup();
  assert.equal(host.usedClock, false);
  assert.equal(call("clock_time_get", 0, 0n, 16), 0);
  const realtimeMs = Number(dv().getBigUint64(16, true) / 1_000_000n);
  assert.ok(Math.abs(realtimeMs - Date.now()) < 1000);
  assert.equal(call("clock_res_get", 1, 16), 0);
  assert.equal(dv().getBigUint64(16, true), 1000n);
  assert.equal(call("clock_time_get", 9, 0n, 16), wasiErrno.inval);
  assert.equal(host.usedClock, true);
});

test("random_get fills the buffer and is metered", () => {
  const { host, call, bytes } = setup();
  assert.equal(call("random_get", 100, 64), 0);
  assert.ok(
    bytes()
      .subarray(100, 164)
      .some((b) => b !== 0),
  );
  assert.equal(host.usedRandomness, true);
});
