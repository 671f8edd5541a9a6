import assert from "node:assert/strict";
import { after, test } from "node:test";
import { StateError } from "../../../core/errors.ts";
import { SandboxMemoryLimitError, SandboxOutputLimitError, SandboxTimeoutError } from "./errors.ts";
import { loadFixture } from "./fixtures/load-fixture.ts";
import type { WasiJob } from "./run-job.ts";
import { createSandboxPool } from "./sandbox-pool.ts";

const limits = { memoryBytes: 1 << 20, wallMs: 5000, outputBytes: 1 << 20 };
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function job(module: Uint8Array, extra: Partial<WasiJob> = {}): WasiJob {
  return { module, args: [], stdin: new Uint8Array(0), limits, ...extra };
}

const pool = createSandboxPool({ size: 2 });
after(() => pool.close());

test("runs more jobs than workers, each with its own input and output", async () => {
  const echo = await loadFixture("echo");
  const inputs = Array.from({ length: 12 }, (_, i) => utf8(`job ${i} `.repeat(i * 100)));
  const results = await Promise.all(inputs.map((stdin) => pool.run(job(echo, { stdin }))));
  for (const [i, result] of results.entries()) assert.deepEqual(result.stdout, inputs[i]);
});

test("a spinning job times out, its worker is replaced, and jobs beside and after it are unaffected", async () => {
  const [spin, echo] = await Promise.all([loadFixture("spin"), loadFixture("echo")]);
  const wallMs = 300;
  const started = performance.now();
  const spinning = pool.run(job(spin, { limits: { ...limits, wallMs } }));
  const beside = pool.run(job(echo, { stdin: utf8("beside") }));
  await assert.rejects(spinning, SandboxTimeoutError);
  assert.ok(performance.now() - started < wallMs + 500, `took ${performance.now() - started} ms`);
  assert.equal(text((await beside).stdout), "beside");
  for (let i = 0; i < 4; i++) {
    assert.equal(text((await pool.run(job(echo, { stdin: utf8(`after ${i}`) }))).stdout), `after ${i}`);
  }
});

test("a hostile job leaves nothing behind for the next one on the same workers", async () => {
  const [bomb, grow, catchExit, echo, open] = await Promise.all([
    loadFixture("output-bomb"),
    loadFixture("grow"),
    loadFixture("catch-exit", { exceptions: true }),
    loadFixture("echo"),
    loadFixture("open-file"),
  ]);
  await assert.rejects(pool.run(job(bomb)), SandboxOutputLimitError);
  await assert.rejects(pool.run(job(grow)), SandboxMemoryLimitError);
  assert.equal((await pool.run(job(catchExit))).exitCode, 3);
  assert.equal((await pool.run(job(open))).exitCode, 76);
  for (let i = 0; i < 4; i++) {
    const result = await pool.run(job(echo, { stdin: utf8("clean") }));
    assert.equal(result.exitCode, 0);
    assert.equal(text(result.stdout), "clean");
    assert.deepEqual(result.metering.refusedCapabilities, []);
    assert.equal(result.metering.memoryPeakBytes, 2 * 65_536);
  }
});

test("close fails waiting and later jobs with StateError", async () => {
  const small = createSandboxPool({ size: 1 });
  const [spin, echo] = await Promise.all([loadFixture("spin"), loadFixture("echo")]);
  await small.run(job(echo)); // the worker is up, so the spinner below is really running when the pool closes
  const running = small.run(job(spin));
  const waiting = small.run(job(echo));
  const settled = Promise.allSettled([running, waiting]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await small.close();
  for (const outcome of await settled) {
    assert.equal(outcome.status, "rejected");
    assert.ok(outcome.status === "rejected" && outcome.reason instanceof StateError);
  }
  await assert.rejects(small.run(job(echo)), StateError);
});

test("a pool needs at least one worker", () => {
  assert.throws(() => createSandboxPool({ size: 0 }), StateError);
});
