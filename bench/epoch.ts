// One epoch's scoring, rewards and earnings root (src/oracle/compute-epoch.ts) at 100k and 1M providers, from
// evidence already in memory. `npm run bench -- epoch [SIZES...]`. Synthetic inputs are generated before timing:
// providers with stakes, owners ≈ providers / 2, revenue for ≈ 30 % of owners, liveness for every node (some
// silent, a few never answering), a few proven frauds, and the previous epoch's leaves for ≈ 80 % of owners.
// Only computeEpoch is timed. proofBytes is one claim proof's size (tree depth × 32).
// `seconds` is wall time, `cpuSeconds` the process's CPU time over the same call.
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import type { Hex } from "viem";
import { computeEpoch } from "../src/oracle/compute-epoch.ts";
import type { EpochInputs, NodeLiveness, ProviderSnapshot } from "../src/oracle/epoch-types.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);
const gwk = (n: number) => BigInt(n) * 10n ** 18n;

/** A small deterministic generator (mulberry32), so every run scores the same shape of network. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hexIds(count: number, bytes: number): Hex[] {
  const raw = randomBytes(count * bytes).toString("hex");
  const out: Hex[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = `0x${raw.slice(i * 2 * bytes, (i + 1) * 2 * bytes)}` as Hex;
  return out;
}

export function syntheticEpoch(providers: number, seed = 1): EpochInputs {
  const random = rng(seed);
  const ownerCount = Math.max(1, Math.floor(providers / 2));
  const owners = hexIds(ownerCount, 20);
  const keys = hexIds(providers, 32);
  const snapshot: ProviderSnapshot[] = new Array(providers);
  const liveness: NodeLiveness[] = new Array(providers);
  for (let i = 0; i < providers; i++) {
    snapshot[i] = {
      nodeKey: keys[i] as Hex,
      owner: owners[Math.floor(random() * ownerCount)] as Hex,
      stake: gwk(1000 + Math.floor(random() * 9000)),
    };
    const r = random();
    const challenged = 20 + Math.floor(random() * 10);
    const answered = r < 0.01 ? 0 : r < 0.05 ? challenged - 5 : challenged;
    liveness[i] = {
      nodeKey: keys[i] as Hex,
      challenged,
      answered,
      longestSilenceSeconds: r < 0.01 ? 86_400 : r < 0.02 ? 7200 : r < 0.05 ? 300 : 0,
    };
  }
  const revenue: EpochInputs["revenue"] = [];
  for (let o = 0; o < ownerCount; o++) {
    if (random() < 0.3) revenue.push({ owner: owners[o] as Hex, amount: gwk(1 + Math.floor(random() * 100)) });
  }
  const fraud = Array.from({ length: Math.min(20, providers) }, (_, k) => ({
    nodeKey: keys[Math.floor(random() * providers)] as Hex,
    jobId: k.toString(16).padStart(32, "0"),
  }));
  // The previous epoch's leaves, in the order a previous result lists them (sorted by address).
  const paidBefore = owners.filter(() => random() < 0.8).sort();
  const previous = new Map<Hex, bigint>(paidBefore.map((o) => [o, gwk(1 + Math.floor(random() * 1000))]));
  return {
    epoch: 42,
    startTime: 1_700_000_000,
    endTime: 1_700_086_400,
    emission: gwk(10_000_000),
    params: {
      workShareBps: 7000n,
      workEmissionCapBps: 9000n,
      downtimeJailSeconds: 3600n,
      slashAmount: gwk(100),
      burnBps: 1000n,
    },
    providers: snapshot,
    revenue,
    liveness,
    fraud,
    previous,
  };
}

export default async function epochBench(args: string[]): Promise<Record<string, unknown>> {
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const runs: Record<string, unknown>[] = [];
  computeEpoch(syntheticEpoch(2000, 7)); // warm up the engine's paths and the keccak module
  for (const providers of sizes.length > 0 ? sizes : [100_000, 1_000_000]) {
    const inputs = syntheticEpoch(providers);
    log(`${providers} providers: inputs generated`);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const result = computeEpoch(inputs);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const depth = Math.ceil(Math.log2(Math.max(1, result.leaves.length)));
    log(
      `${providers} providers: ${seconds.toFixed(3)} s, ${result.leaves.length} leaves, ${result.jailed.length} jailed, ` +
        `root ${result.earningsRoot}`,
    );
    runs.push({
      providers,
      seconds: Number(seconds.toFixed(3)),
      cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(3)),
      proofBytes: depth * 32,
      leaves: result.leaves.length,
      jailed: result.jailed.length,
      slashed: result.slashes.length,
    });
  }
  // Wall seconds are what the targets name; cpuSeconds (this process, all threads) and the load average show how
  // much of the wall time was waiting for a shared machine's cores.
  return { runs, loadavg: loadavg().map((l) => Number(l.toFixed(2))) };
}
