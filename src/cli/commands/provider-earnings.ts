// `gw provider earnings`: per posted epoch for this provider's owner — voucher revenue, emissions (from an
// oracle), penalties to its node keys — with what it has claimed and can claim now. Needs no password.
import { getProviderEarnings } from "../../economics/index.ts";
import { defineCommand } from "../command.ts";
import { formatTable, oracleOption, resolveOracle, resolveOwner } from "../economics-options.ts";
import { formatToken, parseIntegerFlag } from "../format.ts";

export const providerEarningsCommand = defineCommand({
  words: ["provider", "earnings"],
  summary: "revenue, emissions, penalties and claims per epoch",
  usage: "[--oracle URL] [--address ADDRESS] [--epochs N]",
  options: { ...oracleOption, address: { type: "string" }, epochs: { type: "string" } },
  async run(ctx, { values }) {
    const { owner, source } = resolveOwner(ctx, values.address);
    const epochs = values.epochs === undefined ? undefined : parseIntegerFlag(values.epochs, "epochs", 10, 1, 100_000);
    const oracle = resolveOracle(ctx, values.oracle);
    const earnings = await getProviderEarnings(ctx.publicClient(), {
      deployment: ctx.deployment(),
      owner,
      epochs,
      oracle,
    });
    const json = {
      owner,
      ownerSource: source,
      nodeKeys: earnings.nodeKeys,
      emissionSource: earnings.emissionSource,
      epochs: earnings.epochs.map((e) => ({
        epoch: e.epoch,
        revenue: formatToken(e.revenue.gross),
        revenueReceived: formatToken(e.revenue.received),
        redemptions: e.revenue.redemptions,
        emission: e.emission ? formatToken(e.emission.total) : null,
        work: e.emission?.work == null ? null : formatToken(e.emission.work),
        liveness: e.emission?.liveness == null ? null : formatToken(e.emission.liveness),
        cumulative: e.emission ? formatToken(e.emission.cumulative) : null,
        slashed: formatToken(e.penalties.slashed),
        jailed: e.penalties.jailed,
      })),
      totals: {
        revenue: formatToken(earnings.totals.revenueGross),
        revenueReceived: formatToken(earnings.totals.revenueReceived),
        emission: earnings.emissionSource === "none" ? null : formatToken(earnings.totals.emission),
        slashed: formatToken(earnings.totals.slashed),
        jailed: earnings.totals.jailed,
      },
      claimed: formatToken(earnings.claimed),
      claimable: earnings.latest ? formatToken(earnings.latest.claimable) : null,
      latestEpoch: earnings.latest?.epoch ?? null,
      cumulative: earnings.latest ? formatToken(earnings.latest.cumulative) : null,
    };
    const head = `owner ${owner} (${source}); node keys: ${earnings.nodeKeys.length === 0 ? "none registered" : earnings.nodeKeys.length}`;
    if (earnings.epochs.length === 0) {
      return {
        json,
        text: `${head}\nno epoch has been posted yet: no earnings to show. claimed so far ${json.claimed} GWK`,
      };
    }
    const rows = json.epochs.map((e) => [
      String(e.epoch),
      e.revenue,
      e.revenueReceived,
      e.emission ?? "?",
      e.slashed,
      e.jailed ? "jailed" : "",
    ]);
    rows.push([
      "total",
      json.totals.revenue,
      json.totals.revenueReceived,
      json.totals.emission ?? "?",
      json.totals.slashed,
      json.totals.jailed ? `${json.totals.jailed} jail(s)` : "",
    ]);
    const lines = [
      head,
      formatTable(["epoch", "revenue GWK", "received GWK", "emission GWK", "slashed GWK", "jail"], rows),
      `claimed so far ${json.claimed} GWK${json.claimable === null ? "" : `; claimable now ${json.claimable} GWK (epoch ${json.latestEpoch})`}`,
    ];
    if (earnings.emissionSource === "none") {
      lines.push("emissions and what is claimable come from an oracle: pass --oracle URL (or set GW_ORACLE_URL)");
    }
    return { json, text: lines.join("\n") };
  },
});
