// Failover: 1,000 jobs through one SDK client (20 in flight) on a local network of real processes while 30 % of the
// providers are killed with SIGKILL at random moments mid-run. Every job is busy.wat (~20–50 ms locally) with its own
// input and iteration count, so outputs differ; expected outputs are computed locally first. A job that errors is
// lost (the SDK does not retry: the gateway must reroute). Targets: lost 0, wrong 0.
// `npm run bench -- failover [--jobs 1000] [--providers 10] [--kill-share 0.3] [--concurrency 20]`
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { parseUnits } from "viem";
import { defaultComputeLimits } from "../src/resources/compute/index.ts";
import { loadFixture } from "../src/resources/compute/sandbox/fixtures/load-fixture.ts";
import { compileSandboxModule, createSandboxPool } from "../src/resources/compute/sandbox/index.ts";
import { runCompute } from "../src/sdk/index.ts";
import { type BenchNetwork, log, marketOnly, median, quantile, round, startBenchNetwork } from "./lib/network.ts";

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

export default async function failoverBench(args: string[]): Promise<Record<string, unknown>> {
  const jobs = Number(option(args, "jobs") ?? 1000);
  const providers = Number(option(args, "providers") ?? 10);
  const killShare = Number(option(args, "kill-share") ?? 0.3);
  const concurrency = Number(option(args, "concurrency") ?? 20);
  const targetMs = Number(option(args, "job-ms") ?? 30);
  const toKill = Math.round(providers * killShare);
  const limits = { ...defaultComputeLimits };
  const timeoutMs = 60_000;

  // ---- the jobs and their expected outputs, computed locally in the same sandbox
  const busy = await loadFixture("busy");
  const module = await compileSandboxModule(busy, { memoryBytes: limits.memoryBytes });
  const pool = createSandboxPool({ size: Math.max(1, availableParallelism()) });
  let network: BenchNetwork | undefined;
  try {
    const timeLocal = async (n: number) => {
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await pool.run({ module, args: [String(n)], stdin: new Uint8Array(16), limits });
        samples.push(performance.now() - t0);
      }
      return Math.min(...samples);
    };
    await timeLocal(1_000_000);
    const probe = 10_000_000;
    const nsPerRound = ((await timeLocal(probe)) * 1e6) / probe;
    // One correction at the estimate itself (the probe's speed can differ from the target's under load).
    const estimate = Math.round((targetMs * 1e6) / nsPerRound);
    const baseN = Math.round((estimate * targetMs) / Math.max(1, await timeLocal(estimate)));
    log(`busy: ${nsPerRound.toFixed(2)} ns/round → N ≈ ${baseN} for ~${targetMs} ms`);
    const specs = Array.from({ length: jobs }, (_, i) => ({
      input: new Uint8Array(Buffer.concat([Buffer.from(`job ${i} `), randomBytes(32 + (i % 64))])),
      // ±25 % around the base count: ~22–38 ms jobs.
      n: Math.round(baseN * (0.75 + ((i * 37) % 101) / 200)),
    }));
    const expected = await Promise.all(
      specs.map(async (s) => {
        const result = await pool.run({ module, args: [String(s.n)], stdin: s.input, limits });
        return Buffer.from(result.stdout).toString();
      }),
    );
    if (new Set(expected).size !== jobs) throw new Error("expected outputs are not all different");
    const localMs = await timeLocal((specs[0] as (typeof specs)[number]).n);
    log(`expected outputs computed locally; one job takes ~${localMs.toFixed(1)} ms here`);
    await pool.close();

    // ---- the network, and the run
    network = await startBenchNetwork({ providers, without: marketOnly });
    const client = network.client();
    const maxPrice = parseUnits("1", 18);
    const job = (i: number) => {
      const spec = specs[i] as (typeof specs)[number];
      return runCompute(client, {
        module: busy,
        input: spec.input,
        args: [String(spec.n)],
        replicas: 1,
        maxPrice,
        timeoutMs,
      });
    };
    // Warm every provider (module blob, compile cache) before the clock starts: the first jobs are not failover.
    await Promise.all(Array.from({ length: providers * 2 }, (_, i) => job(i % jobs)));

    const victims = [...network.providers].sort(() => Math.random() - 0.5).slice(0, toKill);
    // Kill moments: after a random number of completions between 10 % and 70 % of the run, one victim each.
    const killAt = victims.map(() => Math.floor(jobs * (0.1 + Math.random() * 0.6))).sort((a, b) => a - b);
    const killed: { name: string; pid: number; afterJobs: number; atMs: number }[] = [];
    const latencies: number[] = [];
    const errors = new Map<string, number>();
    let completed = 0;
    let wrong = 0;
    let lost = 0;
    let finished = 0;
    let reroutes = 0;
    let audited = 0;
    let next = 0;
    const started = performance.now();
    const maybeKill = () => {
      while (killed.length < killAt.length && finished >= (killAt[killed.length] as number)) {
        const victim = victims[killed.length] as (typeof victims)[number];
        try {
          process.kill(victim.pid, "SIGKILL");
        } catch {
          // already gone
        }
        killed.push({
          name: victim.name,
          pid: victim.pid,
          afterJobs: finished,
          atMs: Math.round(performance.now() - started),
        });
        log(`killed ${victim.name} (pid ${victim.pid}) after ${finished} jobs`);
      }
    };
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= jobs) return;
          const t0 = performance.now();
          try {
            const result = await job(i);
            latencies.push(performance.now() - t0);
            reroutes += result.reroutes;
            if (result.audited) audited++;
            if (Buffer.from(result.stdout).toString() === expected[i] && result.exitCode === 0) completed++;
            else wrong++;
          } catch (error) {
            lost++;
            // The error and its causes, e.g. "GatewayError: cannot reach … ← TypeError: fetch failed ← other side closed".
            const chain: string[] = [];
            for (let e: unknown = error; e instanceof Error && chain.length < 4; e = e.cause) {
              const code = (e as { code?: unknown }).code;
              chain.push(`${e.name}: ${e.message}${typeof code === "string" ? ` (${code})` : ""}`);
            }
            const key = chain.join(" ← ").slice(0, 400);
            errors.set(key, (errors.get(key) ?? 0) + 1);
          }
          finished++;
          if (finished % 100 === 0) log(`${finished}/${jobs} done (${lost} lost, ${wrong} wrong)`);
          maybeKill();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.settlePayments();
    return {
      jobs,
      completed,
      wrong,
      lost,
      p50LatencyMs: round(median(latencies), 1),
      p99LatencyMs: round(quantile(latencies, 0.99), 1),
      providers,
      killed: killed.length,
      reroutes,
      audited,
      concurrency,
      jobsPerSec: round(jobs / seconds, 1),
      iterationsBase: baseN,
      localJobMs: round(localMs, 1),
      kills: killed,
      errors: Object.fromEntries(errors),
      loadAverage1m: round(loadavg()[0] ?? 0, 2),
      targets: { lost: 0, wrong: 0 },
    };
  } finally {
    await pool.close();
    await network?.stop();
  }
}
