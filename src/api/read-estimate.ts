// GET /v1/estimate: the same estimator as `gw provider estimate` (economics/estimate-earnings.ts), fed with the
// index's posted epochs and provider totals and the governed shares and rules read from chain.
import { type PublicClient, parseUnits } from "viem";
import { readScheduledEmission } from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";
import { type EpochHistoryEntry, estimateEarnings, readEstimateChainInputs } from "../economics/index.ts";
import { toBigInt, toNumber } from "../indexer/index.ts";
import { getResourceType, resourceTypes } from "../resources/index.ts";
import type { ReadContext } from "./read-context.ts";
import { readPostedEpochs } from "./read-epochs.ts";
import { countProviders } from "./read-providers.ts";

export interface EstimateQuery {
  resourceType: string;
  capacity: number;
  jobsPerHour: number;
  pricePerJob: string;
  stake?: string | undefined;
  powerWatts: number;
  electricityPrice?: string | undefined;
  gwkPrice?: string | undefined;
  epochs: number;
}

export async function readEstimate(ctx: ReadContext, client: PublicClient, q: EstimateQuery) {
  if (!getResourceType(q.resourceType)) {
    throw new InvalidInputError(`unknown resource type ${q.resourceType}`, {
      hint: `Known types: ${[...resourceTypes.keys()].join(", ")}.`,
    });
  }
  const { contracts } = ctx.deployment;
  const [posted, providers, { providerBps, treasuryBps, burnBps, minStake, nextEpoch, rules }] = await Promise.all([
    readPostedEpochs(ctx.db, q.epochs),
    countProviders(ctx),
    readEstimateChainInputs(client, contracts, q.resourceType),
  ]);
  const stake = q.stake === undefined ? minStake : parseUnits(q.stake, 18);
  if (stake < minStake) {
    throw new InvalidInputError("stake is below the minimum stake for this resource type", {
      details: { minimum: minStake.toString() },
    });
  }
  let history: EpochHistoryEntry[] = posted.map((e) => ({
    epoch: toNumber(e.epoch),
    emission: toBigInt(e.emission),
    revenue: toBigInt(e.revenue),
  }));
  const fromSchedule = history.length === 0;
  if (fromSchedule) {
    const emission = await readScheduledEmission(client, contracts.rewards, nextEpoch);
    history = [{ epoch: Number(nextEpoch), emission, revenue: 0n }];
  }
  const gwkPrice = q.gwkPrice === undefined ? undefined : parseUnits(q.gwkPrice, 18);
  if (gwkPrice === 0n) throw new InvalidInputError("gwkPrice must be more than zero");
  const estimate = estimateEarnings({
    epochSeconds: ctx.deployment.epoch.duration,
    history,
    network: { activeProviders: providers.active, activeStake: providers.activeStake },
    shares: { providerBps: BigInt(providerBps), treasuryBps: BigInt(treasuryBps), burnBps: BigInt(burnBps) },
    rules: { workShareBps: rules.workShareBps, workEmissionCapBps: rules.workEmissionCapBps },
    provider: {
      capacity: q.capacity,
      jobsPerHour: q.jobsPerHour,
      pricePerJob: parseUnits(q.pricePerJob, 18),
      stake,
      powerWatts: q.powerWatts,
    },
    electricityPrice: q.electricityPrice === undefined ? undefined : parseUnits(q.electricityPrice, 18),
    gwkPrice,
    boundByDemand: !fromSchedule,
  });
  const m = estimate.monthly;
  return {
    resourceType: q.resourceType,
    epochsUsed: estimate.epochsUsed,
    fromSchedule,
    inputs: { ...q, stake: stake.toString() },
    monthly: {
      jobs: m.jobs.toString(),
      grossRevenue: m.grossRevenue.toString(),
      revenue: m.revenue.toString(),
      workEmission: m.workEmission.toString(),
      livenessEmission: m.livenessEmission.toString(),
      total: m.total.toString(),
      energyWh: m.energyWh.toString(),
      electricityCost: m.electricityCost === null ? null : m.electricityCost.toString(),
      electricityGwk: m.electricityGwk === null ? null : m.electricityGwk.toString(),
      net: m.net.toString(),
    },
    assumptions: estimate.assumptions,
  };
}
