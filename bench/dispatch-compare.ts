// Dispatch overhead of this checkout against another one, paired job by job: both networks run at once and single
// jobs alternate between them (ABBA order), so this VM's slow and fast phases, which last minutes and move the plain
// `dispatch` figures by several points, land on both alike. A change worth a fraction of a millisecond shows here
// when separate runs of `dispatch` cannot tell it from noise.
// Per job: network time − the provider's own run of the module (its receipt's metering.wallMs), in ms.
// `npm run bench -- dispatch-compare --base DIR [--jobs 80] [--ms 100] [--audits BPS] [--warm 300]`
//   DIR: another checkout of this project with its dependencies installed (e.g. `git worktree add DIR main`, then a
//   node_modules of its own or a link to this one).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseUnits } from "viem";
import { defaultComputeLimits } from "../src/resources/compute/index.ts";
import { loadFixture } from "../src/resources/compute/sandbox/fixtures/load-fixture.ts";
import { compileSandboxModule, createSandboxPool } from "../src/resources/compute/sandbox/index.ts";
import { runCompute } from "../src/sdk/index.ts";
import { calibrateBusy } from "./lib/busy-calibration.ts";
import * as thisNetwork from "./lib/network.ts";

const { log, marketOnly, median, round, startBenchNetwork } = thisNetwork;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

/** Two-sided sign test: the chance of a split at least this uneven if neither side were faster. */
function signTestP(wins: number, n: number): number {
  const k = Math.min(wins, n - wins);
  let logC = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    tail += Math.exp(logC - n * Math.LN2);
    logC += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, 2 * tail);
}

export default async function dispatchCompareBench(args: string[]): Promise<Record<string, unknown>> {
  const baseDir = option(args, "base");
  if (!baseDir) throw new Error("usage: npm run bench -- dispatch-compare --base DIR [--jobs 80] [--ms 100]");
  const base = resolve(baseDir);
  const baseNetworkFile = join(base, "bench", "lib", "network.ts");
  const baseSdkFile = join(base, "src", "sdk", "index.ts");
  if (!existsSync(baseNetworkFile) || !existsSync(baseSdkFile)) {
    throw new Error(`${base} is not a checkout of this project (no bench/lib/network.ts or src/sdk/index.ts)`);
  }
  const jobs = Number(option(args, "jobs") ?? 80);
  const targetMs = Number(option(args, "ms") ?? 100);
  const auditShareBps = Number(option(args, "audits") ?? 0);
  const warmJobs = Number(option(args, "warm") ?? 300);
  if (!Number.isInteger(jobs) || jobs < 4) throw new Error("--jobs is an integer of at least 4");
  if (!(targetMs >= 1 && targetMs <= 10_000)) throw new Error("--ms is 1 to 10,000");
  if (!Number.isInteger(warmJobs) || warmJobs < 0) throw new Error("--warm is a number of jobs (an integer ≥ 0)");
  if (!Number.isInteger(auditShareBps) || auditShareBps < 0 || auditShareBps > 10_000) {
    throw new Error("--audits is basis points, 0 to 10,000");
  }
  const baseNetwork = (await import(pathToFileURL(baseNetworkFile).href)) as typeof thisNetwork;
  const baseSdk = (await import(pathToFileURL(baseSdkFile).href)) as { runCompute: typeof runCompute };

  const busy = await loadFixture("busy");
  const input = new Uint8Array(randomBytes(1024));
  const limits = { ...defaultComputeLimits };
  const pool = createSandboxPool({ size: 1 });
  const module = await compileSandboxModule(busy, { memoryBytes: limits.memoryBytes });
  const localRun = async (n: number) => {
    const t0 = performance.now();
    await pool.run({ module, args: [String(n)], stdin: input, limits });
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) await localRun(100_000); // warm the worker and V8's tiers
  const { job: iterations } = await calibrateBusy(localRun, [{ name: "job", targetMs }]);
  await pool.close();

  const networks: { stop(): Promise<void> }[] = [];
  try {
    const params = { providers: 2, without: marketOnly, auditShareBps };
    const baseNet = await baseNetwork.startBenchNetwork(params);
    networks.push(baseNet);
    const thisNet = await startBenchNetwork(params);
    networks.push(thisNet);
    const sides = [
      { name: "base", client: baseNet.client(), run: baseSdk.runCompute, overheads: [] as number[] },
      { name: "this", client: thisNet.client(), run: runCompute, overheads: [] as number[] },
    ] as const;
    const maxPrice = parseUnits("1", 18);
    const one = async (side: (typeof sides)[number]) => {
      const t0 = performance.now();
      const result = await side.run(side.client, {
        module: busy,
        input,
        args: [String(iterations)],
        replicas: 1,
        maxPrice,
        timeoutMs: 60_000,
      });
      const ms = performance.now() - t0 - Number(result.metering.wallMs);
      // Each job's audit and payment settle before the next job, on either network, starts.
      await result.audit;
      await side.client.settlePayments();
      return ms;
    };
    // Both networks serve a few hundred trivial jobs first, so the pairs compare the steady state of roles whose code
    // is at its JIT tiers (a fresh process runs its first jobs interpreted, slower by milliseconds).
    for (const side of sides) {
      let left = warmJobs;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (left-- > 0) {
            await side.run(side.client, { module: busy, input, args: ["0"], replicas: 1, maxPrice, timeoutMs: 60_000 });
          }
        }),
      );
      await side.client.settlePayments();
    }
    for (let i = 0; i < 5; i++) for (const side of sides) await one(side);
    const diffs: number[] = [];
    for (let i = 0; i < jobs; i++) {
      const [first, second] = i % 2 === 0 ? [sides[0], sides[1]] : [sides[1], sides[0]];
      const a = await one(first);
      const b = await one(second);
      first.overheads.push(a);
      second.overheads.push(b);
      diffs.push(first.name === "this" ? a - b : b - a);
    }
    const faster = diffs.filter((d) => d < 0).length;
    const figures = {
      base,
      jobs,
      targetMs,
      iterations,
      auditShareBps,
      warmJobs,
      baseOverheadMs: round(median(sides[0].overheads), 3),
      thisOverheadMs: round(median(sides[1].overheads), 3),
      /** Median over pairs of (this − base): negative when this checkout is faster. */
      pairedDiffMs: round(median(diffs), 3),
      thisFasterIn: faster,
      signTestP: round(signTestP(faster, jobs), 4),
    };
    log(
      `base ${figures.baseOverheadMs} ms, this ${figures.thisOverheadMs} ms over the provider's run; this − base ${figures.pairedDiffMs} ms (median of ${jobs} pairs), faster in ${faster} (p ${figures.signTestP})`,
    );
    return figures;
  } finally {
    await Promise.all(networks.map((n) => n.stop()));
  }
}
