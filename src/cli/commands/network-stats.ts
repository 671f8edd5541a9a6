// `gw network stats`: per posted epoch: emission, customer revenue, burn, treasury inflow,
// active providers and the revenue share (revenue ÷ (revenue + emission)), with a totals line. Read from the
// indexer's API when one is known, else from chain alone.
import { rewardsAbi } from "../../chain/index.ts";
import { type EpochEconomics, getNetworkStats, type NetworkStats, type TreasuryInflow } from "../../economics/index.ts";
import { apiOption, readNetworkStatsFromApi, resolveApi } from "../api-source.ts";
import { defineCommand } from "../command.ts";
import type { CliContext } from "../context.ts";
import { formatTable, oracleOption, resolveOracle } from "../economics-options.ts";
import { formatToken, parseIntegerFlag } from "../format.ts";

const inflowJson = (t: TreasuryInflow) => ({
  total: formatToken(t.total),
  fees: formatToken(t.fees),
  slashes: formatToken(t.slashes),
  other: formatToken(t.other),
});

/**
 * From the indexer's API when one is known and has indexed every posted epoch; from chain otherwise (no API, API
 * down, or behind). Both give the same numbers; `source` says which answered.
 */
async function readStats(
  ctx: CliContext,
  values: Record<string, unknown>,
  epochs: number,
): Promise<{ stats: NetworkStats; source: "api" | "chain"; apiUrl?: string }> {
  const deployment = ctx.deployment();
  const api = resolveApi(ctx, values.api);
  if (api) {
    try {
      const [fromApi, posted] = await Promise.all([
        readNetworkStatsFromApi(api, epochs),
        ctx.publicClient().readContract({
          address: deployment.contracts.rewards,
          abi: rewardsAbi,
          functionName: "nextEpoch",
        }),
      ]);
      if (fromApi.postedEpochs >= Number(posted)) return { stats: fromApi, source: "api", apiUrl: api.url };
      ctx.log(`the API at ${api.url} has not indexed the latest epoch yet; reading the chain`);
    } catch (error) {
      ctx.log(`the API at ${api.url} did not answer (${(error as Error).message}); reading the chain`);
    }
  }
  const oracle = resolveOracle(ctx, values.oracle);
  return { stats: await getNetworkStats(ctx.publicClient(), { deployment, epochs, oracle }), source: "chain" };
}

export const networkStatsCommand = defineCommand({
  words: ["network", "stats"],
  summary: "per epoch: emissions, revenue, burn, treasury, revenue share",
  usage: "[--epochs N] [--api URL] [--oracle URL]",
  options: { epochs: { type: "string" }, ...oracleOption, ...apiOption },
  async run(ctx, { values }) {
    const epochs = parseIntegerFlag(values.epochs, "epochs", 10, 1, 100_000);
    const { stats, source, apiUrl } = await readStats(ctx, values, epochs);
    const epochJson = (e: EpochEconomics) => ({
      epoch: e.epoch,
      postedAt: new Date(e.postedAt * 1000).toISOString(),
      fromBlock: Number(e.fromBlock),
      toBlock: Number(e.toBlock),
      emission: formatToken(e.emission),
      revenue: formatToken(e.revenue),
      burned: formatToken(e.burned),
      treasury: inflowJson(e.treasury),
      revenueShare: e.revenueShare.decimal,
      revenueShareBps: e.revenueShare.bps,
      activeProviders: e.oracleActiveProviders ?? stats.providers.active,
      activeProvidersSource: e.oracleActiveProviders === null ? "registry-now" : "oracle",
    });
    const json = {
      source,
      ...(apiUrl ? { apiUrl } : {}),
      postedEpochs: stats.postedEpochs,
      epochs: stats.epochs.map(epochJson),
      totals: {
        epochs: stats.epochs.length,
        emission: formatToken(stats.totals.emission),
        revenue: formatToken(stats.totals.revenue),
        burned: formatToken(stats.totals.burned),
        treasury: inflowJson(stats.totals.treasury),
        revenueShare: stats.totals.revenueShare.decimal,
        revenueShareBps: stats.totals.revenueShare.bps,
      },
      providers: {
        registered: stats.providers.registered,
        active: stats.providers.active,
        activeStake: formatToken(stats.providers.activeStake),
      },
      token: { totalSupply: formatToken(stats.token.totalSupply), totalBurned: formatToken(stats.token.totalBurned) },
    };
    if (stats.epochs.length === 0) {
      return {
        json,
        text: [
          "no epoch has been posted yet: nothing to show.",
          "Epoch roots are posted by the oracles after each epoch ends (`gw status` shows the current epoch).",
          `providers now: ${stats.providers.active} active of ${stats.providers.registered} registered`,
        ].join("\n"),
      };
    }
    const share = (d: string | null, bps: number | null) => (d === null ? "-" : `${d} (${bps} bps)`);
    const rows = stats.epochs.map((e) => [
      String(e.epoch),
      formatToken(e.emission),
      formatToken(e.revenue),
      formatToken(e.burned),
      formatToken(e.treasury.total),
      String(e.oracleActiveProviders ?? stats.providers.active),
      share(e.revenueShare.decimal, e.revenueShare.bps),
    ]);
    rows.push([
      "total",
      formatToken(stats.totals.emission),
      formatToken(stats.totals.revenue),
      formatToken(stats.totals.burned),
      formatToken(stats.totals.treasury.total),
      "",
      share(stats.totals.revenueShare.decimal, stats.totals.revenueShare.bps),
    ]);
    const table = formatTable(
      ["epoch", "emission GWK", "revenue GWK", "burned GWK", "treasury GWK", "providers", "revenue share"],
      rows,
    );
    const providersNote = stats.epochs.some((e) => e.oracleActiveProviders === null)
      ? "providers: active in the registry now (--oracle gives each epoch's count)"
      : "providers: unjailed nodes in each epoch, as the oracle computed them";
    return {
      json,
      text: [
        `last ${stats.epochs.length} of ${stats.postedEpochs} posted epoch(s); revenue share = revenue ÷ (revenue + emission)`,
        table,
        providersNote,
        `treasury inflow: ${formatToken(stats.totals.treasury.fees)} GWK fees, ${formatToken(stats.totals.treasury.slashes)} GWK slashes, ${formatToken(stats.totals.treasury.other)} GWK other`,
        `token: supply ${formatToken(stats.token.totalSupply)} GWK, burned all time ${formatToken(stats.token.totalBurned)} GWK`,
      ].join("\n"),
    };
  },
});
