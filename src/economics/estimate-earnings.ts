// The earnings estimator: what a new provider could expect per 30-day month, replaying the oracle's reward rules
// (docs/oracle.md, "Epoch computation") over the network's recent epochs. Pure integer maths, no I/O: the CLI and
// the dashboard feed it what they read from chain.
import { InvalidInputError } from "../core/errors.ts";

/** Seconds in the estimator's month: 30 days. */
export const monthSeconds = 30 * 24 * 3600;
const bps = 10_000n;
/** Fixed-point scale of prices in currency (18 decimals, like the token). */
export const priceScale = 10n ** 18n;

/** One past epoch as the chain recorded it. */
export interface EpochHistoryEntry {
  epoch: number;
  /** Tokens minted for the epoch (base units). */
  emission: bigint;
  /** Gross customer revenue attributed to the epoch (base units). */
  revenue: bigint;
}

export interface EstimateEarningsParams {
  /** Seconds per epoch (Rewards.epochDuration). */
  epochSeconds: number;
  /** The epochs to average over; at least one. */
  history: readonly EpochHistoryEntry[];
  /** The network now: active providers and their total bonded stake (base units), without you. */
  network: { activeProviders: number; activeStake: bigint };
  /** Governed shares (basis points): the escrow split and the ParameterStore's reward rules. */
  shares: { providerBps: bigint; treasuryBps: bigint; burnBps: bigint };
  rules: { workShareBps: bigint; workEmissionCapBps: bigint };
  /** Your node. */
  provider: {
    /** Jobs it runs at once. */
    capacity: number;
    /** Jobs one slot completes per hour. */
    jobsPerHour: number;
    /** Price of one job (base units). */
    pricePerJob: bigint;
    /** Bonded stake (base units). */
    stake: bigint;
    /** Average power draw in watts. */
    powerWatts: number;
  };
  /** Currency per kWh, 18-decimal fixed point. */
  electricityPrice?: bigint;
  /** Currency per GWK, 18-decimal fixed point; without it electricity cannot be converted into GWK. */
  gwkPrice?: bigint;
  /** Cap your revenue at your share of the demand the network saw: its revenue ÷ (active providers + you). */
  boundByDemand: boolean;
}

export interface EarningsEstimate {
  epochsUsed: number;
  /** Per month (30 days), base units of GWK unless named otherwise. */
  monthly: {
    jobs: bigint;
    /** What customers would pay you, after the demand bound. */
    grossRevenue: bigint;
    /** Your revenue before the demand bound (jobs × price). */
    unboundedRevenue: bigint;
    /** Your share of the network's observed demand, or null when not bounded. */
    demandBound: bigint | null;
    /** What the escrow pays you of the gross (provider share). */
    revenue: bigint;
    /** Work emissions: your revenue share of the work pool, capped by workEmissionCapBps of the burn. */
    workEmission: bigint;
    /** Liveness emissions: stake-weighted share of the rest of the emission. */
    livenessEmission: bigint;
    /** revenue + work + liveness. */
    total: bigint;
    /** Energy used, in watt-hours. */
    energyWh: bigint;
    /** Electricity cost in currency (18-decimal fixed point), null without an electricity price. */
    electricityCost: bigint | null;
    /** Electricity cost converted to GWK, null without both prices. */
    electricityGwk: bigint | null;
    /** total − electricity in GWK (electricity not subtracted when it cannot be converted). */
    net: bigint;
  };
  /** The same in currency (18-decimal fixed point), when a GWK price is given. */
  currency: { total: bigint; electricity: bigint | null; net: bigint } | null;
  /** The work emission cap bound in at least one epoch. */
  workCapped: boolean;
  /** Plain-language assumptions behind the numbers. */
  assumptions: string[];
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new InvalidInputError(`cannot estimate earnings: ${message}`);
}

/** Expected monthly earnings. Every division floors; monthly figures scale the per-epoch average by 30 days. */
export function estimateEarnings(params: EstimateEarningsParams): EarningsEstimate {
  const { history, network, shares, rules, provider } = params;
  check(Number.isInteger(params.epochSeconds) && params.epochSeconds > 0, "epoch length must be positive");
  check(history.length > 0, "no epoch to learn from");
  check(shares.providerBps + shares.treasuryBps + shares.burnBps === bps, "escrow shares must sum to 10,000 bps");
  check(Number.isInteger(provider.capacity) && provider.capacity >= 0, "capacity must be a whole number");
  check(Number.isInteger(provider.jobsPerHour) && provider.jobsPerHour >= 0, "jobs per hour must be a whole number");
  check(Number.isInteger(provider.powerWatts) && provider.powerWatts >= 0, "power must be whole watts");
  check(provider.pricePerJob >= 0n && provider.stake >= 0n, "amounts must not be negative");
  check(params.gwkPrice === undefined || params.gwkPrice > 0n, "the GWK price must be positive");

  const n = BigInt(history.length);
  const epoch = BigInt(params.epochSeconds);
  const month = BigInt(monthSeconds);
  const hoursPerMonth = month / 3600n;

  // Revenue: jobs × price, bounded by your share of the demand the network actually saw.
  const jobs = BigInt(provider.capacity) * BigInt(provider.jobsPerHour) * hoursPerMonth;
  const unboundedRevenue = jobs * provider.pricePerJob;
  const networkRevenue = history.reduce((sum, e) => sum + e.revenue, 0n);
  const demandBound = params.boundByDemand
    ? (networkRevenue * month) / (n * epoch * BigInt(network.activeProviders + 1))
    : null;
  const grossRevenue = demandBound !== null && demandBound < unboundedRevenue ? demandBound : unboundedRevenue;
  // The escrow's split: treasury and burn floor, the provider keeps the rest.
  const treasuryPart = (grossRevenue * shares.treasuryBps) / bps;
  const burnPart = (grossRevenue * shares.burnBps) / bps;
  const revenue = grossRevenue - treasuryPart - burnPart;

  // Emissions, epoch by epoch, as the oracle computes them with you added to the network.
  const grossPerEpoch = (grossRevenue * epoch) / month;
  const workCap = (grossPerEpoch * shares.burnBps * rules.workEmissionCapBps) / (bps * bps);
  let workSum = 0n;
  let livenessSum = 0n;
  let workCapped = false;
  for (const e of history) {
    const workPool = (e.emission * rules.workShareBps) / bps;
    const revenueWithYou = e.revenue + grossPerEpoch;
    const byShare = revenueWithYou === 0n ? 0n : (workPool * grossPerEpoch) / revenueWithYou;
    if (byShare > workCap) workCapped = true;
    workSum += byShare > workCap ? workCap : byShare;
    const livenessPool = e.emission - workPool;
    const stakeWithYou = network.activeStake + provider.stake;
    livenessSum += stakeWithYou === 0n ? 0n : (livenessPool * provider.stake) / stakeWithYou;
  }
  const workEmission = (workSum * month) / (n * epoch);
  const livenessEmission = (livenessSum * month) / (n * epoch);
  const total = revenue + workEmission + livenessEmission;

  // Electricity: watts × 24 h × 30 days.
  const energyWh = BigInt(provider.powerWatts) * hoursPerMonth;
  const electricityCost = params.electricityPrice === undefined ? null : (energyWh * params.electricityPrice) / 1000n;
  const electricityGwk =
    electricityCost === null || params.gwkPrice === undefined ? null : (electricityCost * priceScale) / params.gwkPrice;
  const net = total - (electricityGwk ?? 0n);
  const currency =
    params.gwkPrice === undefined
      ? null
      : {
          total: (total * params.gwkPrice) / priceScale,
          electricity: electricityCost,
          net: (net * params.gwkPrice) / priceScale,
        };

  const assumptions = [
    `a month is 30 days (${(month / epoch).toString()} epochs of ${params.epochSeconds} s); figures average the last ${history.length} posted epoch(s)`,
    `jobs: ${provider.capacity} slot(s) × ${provider.jobsPerHour} job(s) per hour each, all paid`,
    demandBound === null
      ? "revenue is not bounded by the demand the network saw"
      : `revenue is bounded by your share of the demand the network saw: its revenue ÷ (${network.activeProviders} active providers + you)`,
    `the escrow pays you ${shares.providerBps} bps of each payment (treasury ${shares.treasuryBps}, burn ${shares.burnBps})`,
    `work emissions: ${rules.workShareBps} bps of each epoch's emission shared by revenue, yours capped at revenue × burn × ${rules.workEmissionCapBps} bps`,
    "liveness emissions: the rest, shared by stake among active providers; you answer every challenge and are never jailed or slashed",
    "the network's emission, revenue and other providers' stake stay as they were",
    electricityCost === null
      ? "no electricity price given: electricity not counted"
      : electricityGwk === null
        ? "electricity is shown in currency but not subtracted in GWK: give --gwk-price to convert it"
        : "electricity is converted to GWK at the given GWK price and subtracted",
  ];

  return {
    epochsUsed: history.length,
    monthly: {
      jobs,
      grossRevenue,
      unboundedRevenue,
      demandBound,
      revenue,
      workEmission,
      livenessEmission,
      total,
      energyWh,
      electricityCost,
      electricityGwk,
      net,
    },
    currency,
    workCapped,
    assumptions,
  };
}
