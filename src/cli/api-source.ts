// Which indexer API the read commands ask: --api URL > GW_API_URL > the local network running from this home.
// Without one (or when it cannot answer) they read the chain directly, which gives the same numbers, slower.
import { z } from "zod";
import { readJsonFile } from "../core/json-file.ts";
import { computeRevenueShare, type EpochEconomics, type NetworkStats } from "../economics/index.ts";
import { localnetStatePath } from "../localnet/index.ts";
import { createNetworkApi, type NetworkApi } from "../sdk/index.ts";
import type { CliContext } from "./context.ts";

export const apiOption = { api: { type: "string" } } as const;

const localnetServices = z.object({ services: z.array(z.object({ name: z.string(), url: z.string() })) });

export function resolveApi(ctx: CliContext, value: unknown): NetworkApi | undefined {
  if (typeof value === "string" && value.length > 0) return createNetworkApi({ url: value });
  if (ctx.env.GW_API_URL) return createNetworkApi({ url: ctx.env.GW_API_URL });
  const local = readJsonFile(localnetStatePath(ctx.options.home), localnetServices);
  const url = local?.services.find((s) => s.name === "api")?.url;
  return url ? createNetworkApi({ url }) : undefined;
}

/** The chain-only NetworkStats shape (economics/network-stats.ts), filled from the API's stats and epochs. */
export async function readNetworkStatsFromApi(api: NetworkApi, epochs: number): Promise<NetworkStats> {
  const stats = await api.getNetworkStats();
  const closed: EpochEconomics[] = [];
  let cursor: string | undefined;
  while (closed.length < epochs) {
    const page = await api.listEpochs({ limit: Math.min(500, epochs + 1), ...(cursor ? { cursor } : {}) });
    for (const e of page.epochs) {
      if (!e.closed || closed.length >= epochs) continue;
      closed.push({
        epoch: e.epoch,
        postedAt: e.postedAt ?? 0,
        fromBlock: BigInt(e.fromBlock),
        toBlock: BigInt(e.block ?? 0),
        emission: BigInt(e.emission),
        revenue: BigInt(e.revenue),
        burned: BigInt(e.burned),
        treasury: {
          total: BigInt(e.treasury.total),
          fees: BigInt(e.treasury.fees),
          slashes: BigInt(e.treasury.slashes),
          other: BigInt(e.treasury.other),
        },
        revenueShare: e.revenueShare,
        oracleActiveProviders: e.activeProviders,
      });
    }
    if (!page.next) break;
    cursor = page.next;
  }
  closed.reverse();
  const sum = (pick: (e: EpochEconomics) => bigint) => closed.reduce((s, e) => s + pick(e), 0n);
  const emission = sum((e) => e.emission);
  const revenue = sum((e) => e.revenue);
  return {
    postedEpochs: stats.postedEpochs,
    epochs: closed,
    totals: {
      emission,
      revenue,
      burned: sum((e) => e.burned),
      treasury: {
        total: sum((e) => e.treasury.total),
        fees: sum((e) => e.treasury.fees),
        slashes: sum((e) => e.treasury.slashes),
        other: sum((e) => e.treasury.other),
      },
      revenueShare: computeRevenueShare(revenue, emission),
    },
    providers: {
      registered: stats.providers.registered,
      active: stats.providers.active,
      activeStake: BigInt(stats.providers.activeStake),
    },
    token: { totalSupply: BigInt(stats.token.totalSupply), totalBurned: BigInt(stats.token.totalBurned) },
  };
}
