// Network totals from the index. The epoch totals, provider counts and token counters are the same figures
// `gw network stats` computes from chain alone (economics/network-stats.ts), so the two paths agree.
import { computeRevenueShare } from "../economics/index.ts";
import { toBigInt, toNumber } from "../indexer/index.ts";
import { currentEpochAt, epochBounds, type ReadContext } from "./read-context.ts";
import { readPostedEpochs } from "./read-epochs.ts";
import { countProviders } from "./read-providers.ts";
import type { NetworkStatsView } from "./schemas.ts";

export async function readNetworkStats(ctx: ReadContext): Promise<NetworkStatsView> {
  const { db, deployment } = ctx;
  const [providers, epochs, flows, jobs] = await Promise.all([
    countProviders(ctx),
    readPostedEpochs(db),
    db.query("SELECT kind, COALESCE(SUM(amount), 0)::text AS total FROM token_flows GROUP BY kind"),
    db.query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status"),
  ]);
  const flow = new Map(flows.map((f) => [String(f.kind), toBigInt(f.total)]));
  const sum = (pick: string) => epochs.reduce((s, e) => s + toBigInt(e[pick]), 0n);
  const emission = sum("emission");
  const revenue = sum("revenue");
  const fees = sum("fees");
  const slashes = sum("slashes");
  const other = sum("other");
  const minted = flow.get("mint") ?? 0n;
  const burnedAll = flow.get("burn") ?? 0n;
  const inflow = flow.get("treasury_in") ?? 0n;
  const outflow = flow.get("treasury_out") ?? 0n;
  const jobCount = new Map(jobs.map((j) => [String(j.status), toNumber(j.n)]));
  const current = currentEpochAt(deployment, providers.head.timestamp);
  const lastPosted = epochs.at(-1);
  return {
    indexedBlock: providers.head.block,
    indexedAt: providers.head.timestamp,
    chainId: deployment.chainId,
    currentEpoch: {
      epoch: current,
      ...epochBounds(deployment, current),
      nextToPost: lastPosted ? toNumber(lastPosted.epoch) + 1 : 0,
    },
    postedEpochs: epochs.length,
    providers: {
      registered: providers.registered,
      active: providers.active,
      jailed: providers.jailed,
      unbonding: providers.unbonding,
      activeStake: providers.activeStake.toString(),
      totalStake: providers.totalStake.toString(),
    },
    jobs: {
      total: [...jobCount.values()].reduce((a, b) => a + b, 0),
      ok: jobCount.get("ok") ?? 0,
      failed: jobCount.get("failed") ?? 0,
      running: jobCount.get("running") ?? 0,
    },
    totals: {
      emission: emission.toString(),
      revenue: revenue.toString(),
      burned: sum("burned").toString(),
      treasury: {
        total: (fees + slashes + other).toString(),
        fees: fees.toString(),
        slashes: slashes.toString(),
        other: other.toString(),
      },
      revenueShare: computeRevenueShare(revenue, emission),
    },
    token: {
      totalSupply: (minted - burnedAll).toString(),
      totalBurned: burnedAll.toString(),
      totalMinted: minted.toString(),
    },
    treasury: { inflow: inflow.toString(), outflow: outflow.toString(), balance: (inflow - outflow).toString() },
  };
}
