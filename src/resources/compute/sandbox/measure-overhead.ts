// Measures what the sandbox costs around a job: a trivial job on a fresh worker vs a warm pool, pool throughput, and
// busy.wat's speed (to pick N for ~1 ms / ~100 ms / ~1 s jobs). Run: node bin/run-ts.js src/resources/compute/sandbox/measure-overhead.ts
import { availableParallelism, cpus } from "node:os";
import { compileSandboxModule } from "./compile-module.ts";
import { executeJob } from "./execute-job.ts";
import { loadFixture, watToWasm } from "./fixtures/load-fixture.ts";
import { runWasiJob, type WasiJob } from "./run-job.ts";
import { createSandboxPool } from "./sandbox-pool.ts";

const limits = { memoryBytes: 16 << 20, wallMs: 10_000, outputBytes: 1 << 20 };
const trivial = await watToWasm("trivial.wat", `(module (memory (export "memory") 1) (func (export "_start")))`);
const precompiled = await compileSandboxModule(trivial, limits);
const job = (module: WasiJob["module"], args: string[] = []): WasiJob => ({
  module,
  args,
  stdin: new Uint8Array(0),
  limits,
});

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `median ${at(0.5).toFixed(2)} ms, p90 ${at(0.9).toFixed(2)} ms (n=${samples.length})`;
}

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return samples;
}

console.log(`node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "?"})`);

const inThread = await timeEach(200, () => executeJob({ ...job(trivial), argv: ["job.wasm"], env: [] }));
console.log(`in-thread floor (compile + instantiate + run, no worker): ${summary(inThread)}`);

const fresh = await timeEach(10, () => runWasiJob(job(trivial)));
console.log(`runWasiJob, fresh worker per job:                        ${summary(fresh)}`);

const pool = createSandboxPool({ size: 1 });
await pool.run(job(trivial));
console.log(
  `pool(1), module bytes (compile per job):                 ${summary(await timeEach(500, () => pool.run(job(trivial))))}`,
);
console.log(
  `pool(1), precompiled SandboxModule:                      ${summary(await timeEach(500, () => pool.run(job(precompiled))))}`,
);
await pool.close();

const size = availableParallelism();
const wide = createSandboxPool({ size });
await Promise.all(Array.from({ length: size }, () => wide.run(job(trivial))));
for (const [label, module] of [
  ["bytes", trivial],
  ["precompiled", precompiled],
] as const) {
  const count = 2000;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: count }, () => wide.run(job(module))));
  const seconds = (performance.now() - t0) / 1000;
  console.log(`pool(${size}) throughput, ${label}: ${(count / seconds).toFixed(0)} trivial jobs/s`);
}

const busy = await compileSandboxModule(await loadFixture("busy"), limits);
for (const n of [10_000, 300_000, 80_000_000, 800_000_000]) {
  const result = await wide.run(job(busy, [String(n)]));
  const ms = result.metering.wallMs;
  console.log(`busy ${n}: ${ms.toFixed(2)} ms in the worker, ${((ms * 1e6) / n).toFixed(2)} ns/round`);
}
await wide.close();
