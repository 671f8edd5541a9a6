import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { InvalidInputError } from "../../../core/errors.ts";
import { compileSandboxModule } from "./compile-module.ts";
import {
  SandboxInvalidModuleError,
  SandboxMemoryLimitError,
  SandboxOutputLimitError,
  SandboxTimeoutError,
  SandboxTrapError,
} from "./errors.ts";
import { loadFixture } from "./fixtures/load-fixture.ts";
import { runWasiJob, type WasiJob } from "./run-job.ts";

const limits = { memoryBytes: 1 << 20, wallMs: 5000, outputBytes: 1 << 20 };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const utf8 = (s: string) => new TextEncoder().encode(s);

function job(module: WasiJob["module"], extra: Partial<WasiJob> = {}): WasiJob {
  return { module, args: [], stdin: new Uint8Array(0), limits, ...extra };
}

/** What busy.wat computes, in BigInt: FNV-1a 64 over stdin, then `n` splitmix64 rounds folded in. */
function busyReference(stdin: Uint8Array, n: number): string {
  const mask = (1n << 64n) - 1n;
  const prime = 0x100000001b3n;
  let h = 0xcbf29ce484222325n;
  for (const b of stdin) h = ((h ^ BigInt(b)) * prime) & mask;
  let x = h;
  for (let i = 0; i < n; i++) {
    x = (x + 0x9e3779b97f4a7c15n) & mask;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    z ^= z >> 31n;
    h = ((h ^ z) * prime) & mask;
  }
  return `${h.toString(16).padStart(16, "0")}\n`;
}

test("echo copies stdin to stdout byte for byte: every byte value, more than one read, and empty input", async () => {
  const echo = await loadFixture("echo");
  const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
  const big = new Uint8Array(200_000);
  big.set(randomBytes(big.length));
  for (const stdin of [everyByte, big, new Uint8Array(0)]) {
    const result = await runWasiJob(job(echo, { stdin }));
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.stdout, stdin);
    assert.equal(result.stderr.length, 0);
  }
});

test("args reach the program after argv[0], unicode included; env is empty unless given", async () => {
  const args = await runWasiJob(job(await loadFixture("args"), { args: ["a", "b c", "ünï", ""] }));
  assert.equal(text(args.stdout), "job.wasm\na\nb c\nünï\n\n");
  const environ = await loadFixture("environ");
  assert.equal((await runWasiJob(job(environ))).stdout.length, 0);
  const given = await runWasiJob(job(environ, { env: { LANG: "C", EMPTY: "" } }));
  assert.equal(text(given.stdout), "LANG=C\nEMPTY=\n");
});

test("a non-zero proc_exit is a result with its exit code, not an error", async () => {
  const result = await runWasiJob(job(await loadFixture("exit-code")));
  assert.equal(result.exitCode, 7);
  assert.equal(text(result.stdout), "bye\n");
});

test("stderr is captured apart from stdout", async () => {
  const result = await runWasiJob(job(await loadFixture("stderr")));
  assert.equal(result.exitCode, 0);
  assert.equal(text(result.stdout), "to stdout\n");
  assert.equal(text(result.stderr), "to stderr\n");
});

test("a spinning job is killed after wallMs, and the next job runs fine", async () => {
  const wallMs = 300;
  const started = performance.now();
  await assert.rejects(
    runWasiJob(job(await loadFixture("spin"), { limits: { ...limits, wallMs } })),
    (error: unknown) => error instanceof SandboxTimeoutError && error.kind === "timeout",
  );
  // Worker start-up is not counted against wallMs, so allow for it on top of the margin.
  assert.ok(performance.now() - started < wallMs + 2000, `took ${performance.now() - started} ms`);
  assert.equal((await runWasiJob(job(await loadFixture("exit-code")))).exitCode, 7);
});

test("a job growing memory until memory.grow fails gets a memory error, never past the cap", async () => {
  const memoryBytes = 40 * 65_536 + 123;
  const error = await runWasiJob(job(await loadFixture("grow"), { limits: { ...limits, memoryBytes } })).then(
    () => assert.fail("must fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SandboxMemoryLimitError, String(error));
  assert.equal(error.details.trap, "unreachable");
  assert.equal(error.partial?.metering.memoryPeakBytes, 40 * 65_536);
});

test("an initial memory above the cap is refused before running", async () => {
  await assert.rejects(runWasiJob(job(await loadFixture("big-memory"))), SandboxMemoryLimitError);
});

test("an output bomb stops at the cap with the output truncated exactly there", async () => {
  const outputBytes = 300_000;
  const error = await runWasiJob(job(await loadFixture("output-bomb"), { limits: { ...limits, outputBytes } })).then(
    () => assert.fail("must fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SandboxOutputLimitError, String(error));
  assert.equal(error.partial?.stdout.length, outputBytes);
  assert.ok(error.partial?.stdout.every((b) => b === 0x78));
  assert.equal(error.partial?.stderr.length, 0);
});

test("path_open is refused with ENOTCAPABLE, recorded, and the program carries on", async () => {
  const result = await runWasiJob(job(await loadFixture("open-file")));
  assert.equal(result.exitCode, 76);
  assert.equal(text(result.stdout), "continued\n");
  assert.deepEqual(result.metering.refusedCapabilities, ["path_open"]);
});

test("modules importing what the sandbox does not provide are refused before running, naming the imports", async () => {
  for (const [name, unsupported] of [
    ["unknown-import", "env.host_call (function)"],
    ["preview2-import", "wasi_snapshot_preview2.get_stdout (function)"],
  ]) {
    await assert.rejects(runWasiJob(job(await loadFixture(name ?? ""))), (error: unknown) => {
      assert.ok(error instanceof SandboxInvalidModuleError);
      assert.deepEqual(error.details.unsupported, [unsupported]);
      return true;
    });
  }
});

test("garbage bytes and a module without _start are invalid modules", async () => {
  await assert.rejects(runWasiJob(job(utf8("MZ\x90\x00 not wasm"))), SandboxInvalidModuleError);
  await assert.rejects(runWasiJob(job(await loadFixture("no-start"))), /does not export a `_start` function/);
});

test("a trap is reported with its kind and the output written before it", async () => {
  const error = await runWasiJob(job(await loadFixture("trap"))).then(
    () => assert.fail("must fail"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SandboxTrapError, String(error));
  assert.match(error.message, /divide by zero/);
  assert.equal(text(error.partial?.stdout ?? new Uint8Array()), "before\n");
});

test("randomness and clocks are allowed but metered, so verification knows the output may vary", async () => {
  const random = await loadFixture("random");
  const [a, b] = await Promise.all([runWasiJob(job(random)), runWasiJob(job(random))]);
  assert.equal(a.stdout.length, 16);
  assert.notDeepEqual(a.stdout, b.stdout);
  assert.equal(a.metering.usedRandomness, true);
  const sleep = await runWasiJob(job(await loadFixture("sleep")));
  assert.equal(sleep.exitCode, 0);
  assert.equal(sleep.metering.usedClock, true);
  assert.equal(sleep.metering.usedRandomness, false);
  assert.ok(sleep.metering.wallMs >= 50, `slept only ${sleep.metering.wallMs} ms`);
});

test("a module that catches proc_exit's unwind still exits with the code it asked for", async () => {
  const result = await runWasiJob(job(await loadFixture("catch-exit", { exceptions: true })));
  assert.equal(result.exitCode, 3);
  assert.equal(result.stdout.length, 0);
});

test("an imported env.memory is provided under the cap", async () => {
  const result = await runWasiJob(job(await loadFixture("imported-memory")));
  assert.equal(text(result.stdout), "hi\n");
  assert.equal(result.metering.memoryPeakBytes, 65_536);
});

test("busy prints a deterministic hash of stdin and N rounds; without N it prints usage and exits 2", async () => {
  const busy = await loadFixture("busy");
  for (const [stdin, n] of [
    [utf8("hello"), 1000],
    [new Uint8Array(0), 0],
    [randomBytes(70_000), 12_345],
  ] as const) {
    const result = await runWasiJob(job(busy, { args: [String(n)], stdin }));
    assert.equal(text(result.stdout), busyReference(stdin, n));
  }
  const usage = await runWasiJob(job(busy));
  assert.equal(usage.exitCode, 2);
  assert.equal(text(usage.stderr), "usage: busy ITERATIONS\n");
});

test("a precompiled module runs without compiling again, but not under a smaller memory cap", async () => {
  const compiled = await compileSandboxModule(await loadFixture("busy"), { memoryBytes: limits.memoryBytes });
  const result = await runWasiJob(job(compiled, { args: ["10"] }));
  assert.equal(text(result.stdout), busyReference(new Uint8Array(0), 10));
  assert.equal(result.metering.compileMs, 0);
  await assert.rejects(runWasiJob(job(compiled, { limits: { ...limits, memoryBytes: 65_536 } })), InvalidInputError);
});

test("invalid limits, args or env are refused before any worker starts", async () => {
  const echo = await loadFixture("echo");
  for (const bad of [
    job(echo, { limits: { ...limits, wallMs: 0 } }),
    job(echo, { limits: { ...limits, memoryBytes: -1 } }),
    job(echo, { limits: { ...limits, outputBytes: 1.5 } }),
    job(echo, { args: ["a\0b"] }),
    job(echo, { env: { "A=B": "c" } }),
  ]) {
    await assert.rejects(runWasiJob(bad), InvalidInputError);
  }
});
