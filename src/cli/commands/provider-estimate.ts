// `gw provider estimate`: expected monthly earnings for a node like yours, from the network's last N posted epochs
// and the governed rules (escrow shares, work share and cap, stake-weighted liveness), minus electricity.
import { formatUnits, parseUnits } from "viem";
import { readScheduledEmission } from "../../chain/index.ts";
import { InvalidInputError } from "../../core/errors.ts";
import {
  type EpochHistoryEntry,
  estimateEarnings,
  getPostedEpochs,
  getRegistrySnapshot,
  readEstimateChainInputs,
} from "../../economics/index.ts";
import { type ProviderConfig, readProviderConfig } from "../../provider/index.ts";
import { getResourceType, resourceTypes } from "../../resources/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseIntegerFlag, parseTokenAmount } from "../format.ts";

/** A non-negative decimal (up to 18 places) as an 18-decimal fixed-point integer. */
function parseDecimalFlag(value: unknown, flag: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+(\.\d{1,18})?$/.test(value)) {
    throw new InvalidInputError(`invalid --${flag} ${String(value)}`, {
      hint: "A number such as 0.25 (up to 18 decimals).",
    });
  }
  return parseUnits(value, 18);
}

function homeConfig(home: string): ProviderConfig | undefined {
  try {
    return readProviderConfig(home);
  } catch {
    return undefined;
  }
}

const money = (amount: bigint) => {
  const [whole, fraction = ""] = formatUnits(amount, 18).split(".");
  return `${whole}.${fraction.padEnd(2, "0").slice(0, 2)}`;
};

export const providerEstimateCommand = defineCommand({
  words: ["provider", "estimate"],
  summary: "expected monthly earnings from the network's recent epochs",
  usage:
    "[--resource compute] [--capacity N] [--price-per-job GWK] [--jobs-per-hour N] [--stake GWK] [--power-watts W] " +
    "[--electricity-price PRICE_PER_KWH] [--gwk-price PRICE] [--epochs N] [--ignore-demand]",
  options: {
    resource: { type: "string" },
    capacity: { type: "string" },
    "price-per-job": { type: "string" },
    "jobs-per-hour": { type: "string" },
    stake: { type: "string" },
    "power-watts": { type: "string" },
    "electricity-price": { type: "string" },
    "gwk-price": { type: "string" },
    epochs: { type: "string" },
    "ignore-demand": { type: "boolean" },
  },
  async run(ctx, { values }) {
    const resource = (values.resource as string | undefined) ?? "compute";
    if (!getResourceType(resource)) {
      throw new InvalidInputError(`unknown resource type ${resource}`, {
        hint: `Known types: ${[...resourceTypes.keys()].join(", ")}.`,
      });
    }
    // Defaults from this home's provider config when there is one.
    const config = homeConfig(ctx.options.home);
    const offer = config?.offers[resource] as { pricePerJob?: string } | undefined;
    const capacity = parseIntegerFlag(values.capacity, "capacity", config?.capacity ?? 1, 1, 1024);
    const jobsPerHour = parseIntegerFlag(values["jobs-per-hour"], "jobs-per-hour", 60, 0, 1_000_000);
    const pricePerJob =
      values["price-per-job"] !== undefined
        ? parseTokenAmount(values["price-per-job"] as string, "--price-per-job")
        : BigInt(offer?.pricePerJob ?? parseUnits("0.01", 18).toString());
    const powerWatts = parseIntegerFlag(values["power-watts"], "power-watts", 0, 0, 1_000_000);
    const electricityPrice = parseDecimalFlag(values["electricity-price"], "electricity-price");
    const gwkPrice = parseDecimalFlag(values["gwk-price"], "gwk-price");
    if (gwkPrice === 0n) throw new InvalidInputError("--gwk-price must be more than zero");
    const epochs = parseIntegerFlag(values.epochs, "epochs", 10, 1, 100_000);
    const explicitStake = values.stake === undefined ? undefined : parseTokenAmount(values.stake as string, "--stake");

    const deployment = ctx.deployment();
    const client = ctx.publicClient();
    const { contracts } = deployment;
    const [posted, registry, { providerBps, treasuryBps, burnBps, minStake, nextEpoch, rules }] = await Promise.all([
      getPostedEpochs(client, deployment),
      getRegistrySnapshot(client, contracts.registry),
      readEstimateChainInputs(client, contracts, resource),
    ]);
    const stake = explicitStake ?? minStake;
    if (stake < minStake) {
      throw new InvalidInputError(`--stake ${formatToken(stake)} is below the minimum stake for ${resource}`, {
        details: { minimum: formatToken(minStake) },
      });
    }

    let history: EpochHistoryEntry[];
    let scheduleOnly = false;
    if (posted.length === 0) {
      // Nothing posted yet: the scheduled emission of the next epoch and no observed revenue.
      const emission = await readScheduledEmission(client, contracts.rewards, nextEpoch);
      history = [{ epoch: Number(nextEpoch), emission, revenue: 0n }];
      scheduleOnly = true;
    } else {
      history = posted.map((e, i) => ({
        epoch: e.epoch,
        emission: e.emission,
        revenue: e.cumulativeRevenue - (i === 0 ? 0n : (posted[i - 1]?.cumulativeRevenue ?? 0n)),
      }));
      history = history.slice(Math.max(0, history.length - epochs));
    }
    const boundByDemand = values["ignore-demand"] !== true && !scheduleOnly;

    const estimate = estimateEarnings({
      epochSeconds: deployment.epoch.duration,
      history,
      network: { activeProviders: registry.active, activeStake: registry.activeStake },
      shares: { providerBps: BigInt(providerBps), treasuryBps: BigInt(treasuryBps), burnBps: BigInt(burnBps) },
      rules: { workShareBps: rules.workShareBps, workEmissionCapBps: rules.workEmissionCapBps },
      provider: { capacity, jobsPerHour, pricePerJob, stake, powerWatts },
      electricityPrice,
      gwkPrice,
      boundByDemand,
    });
    const m = estimate.monthly;
    const assumptions = scheduleOnly
      ? [
          "no epoch has been posted yet: the next epoch's scheduled emission is used and no customer demand is assumed known",
          ...estimate.assumptions,
        ]
      : estimate.assumptions;
    const json = {
      resource,
      epochsUsed: estimate.epochsUsed,
      epochSeconds: deployment.epoch.duration,
      fromSchedule: scheduleOnly,
      inputs: {
        capacity,
        jobsPerHour,
        pricePerJob: formatToken(pricePerJob),
        stake: formatToken(stake),
        powerWatts,
        electricityPrice: electricityPrice === undefined ? null : formatUnits(electricityPrice, 18),
        gwkPrice: gwkPrice === undefined ? null : formatUnits(gwkPrice, 18),
        boundByDemand,
      },
      network: {
        activeProviders: registry.active,
        activeStake: formatToken(registry.activeStake),
        shares: { providerBps, treasuryBps, burnBps },
        workShareBps: Number(rules.workShareBps),
        workEmissionCapBps: Number(rules.workEmissionCapBps),
      },
      monthly: {
        jobs: m.jobs.toString(),
        grossRevenue: formatToken(m.grossRevenue),
        unboundedRevenue: formatToken(m.unboundedRevenue),
        demandBound: m.demandBound === null ? null : formatToken(m.demandBound),
        revenue: formatToken(m.revenue),
        workEmission: formatToken(m.workEmission),
        livenessEmission: formatToken(m.livenessEmission),
        total: formatToken(m.total),
        energyKwh: formatUnits(m.energyWh, 3),
        electricityCost: m.electricityCost === null ? null : formatUnits(m.electricityCost, 18),
        electricityGwk: m.electricityGwk === null ? null : formatToken(m.electricityGwk),
        net: formatToken(m.net),
      },
      currency: estimate.currency
        ? {
            total: formatUnits(estimate.currency.total, 18),
            electricity: estimate.currency.electricity === null ? null : formatUnits(estimate.currency.electricity, 18),
            net: formatUnits(estimate.currency.net, 18),
          }
        : null,
      workCapped: estimate.workCapped,
      assumptions,
    };
    const inCurrency = (gwk: bigint) => (gwkPrice === undefined ? "" : `  (${money((gwk * gwkPrice) / 10n ** 18n)})`);
    const lines = [
      `estimated earnings per 30-day month (${resource}, ${capacity} slot(s), ${jobsPerHour} job(s)/h each at ${formatToken(pricePerJob)} GWK, stake ${formatToken(stake)} GWK)`,
      `  customer payments  ${formatToken(m.grossRevenue)} GWK${m.demandBound !== null && m.demandBound < m.unboundedRevenue ? ` (bounded by observed demand; ${formatToken(m.unboundedRevenue)} GWK unbounded)` : ""}`,
      `  your revenue       ${formatToken(m.revenue)} GWK${inCurrency(m.revenue)}`,
      `  work emissions     ${formatToken(m.workEmission)} GWK${inCurrency(m.workEmission)}${estimate.workCapped ? " (capped)" : ""}`,
      `  liveness emissions ${formatToken(m.livenessEmission)} GWK${inCurrency(m.livenessEmission)}`,
      `  total              ${formatToken(m.total)} GWK${inCurrency(m.total)}`,
    ];
    if (m.electricityCost !== null) {
      lines.push(
        `  electricity        ${formatUnits(m.energyWh, 3)} kWh, ${money(m.electricityCost)}${m.electricityGwk === null ? "" : ` = ${formatToken(m.electricityGwk)} GWK`}`,
      );
    }
    lines.push(`  net                ${formatToken(m.net)} GWK${inCurrency(m.net)}`, "assumptions:");
    lines.push(...assumptions.map((a) => `  - ${a}`));
    return { json, text: lines.join("\n") };
  },
});
