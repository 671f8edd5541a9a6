// The estimator's maths with exact numbers worked by hand: revenue split, demand bound, work share and its cap,
// stake-weighted liveness, electricity in currency and in GWK.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseUnits } from "viem";
import { InvalidInputError } from "../core/errors.ts";
import { type EstimateEarningsParams, estimateEarnings } from "./estimate-earnings.ts";
import { computeRevenueShare } from "./revenue-share.ts";

const gwk = (v: string) => parseUnits(v, 18);

const base: EstimateEarningsParams = {
  epochSeconds: 60,
  history: [
    { epoch: 0, emission: gwk("10000"), revenue: gwk("100") },
    { epoch: 1, emission: gwk("10000"), revenue: gwk("50") },
  ],
  network: { activeProviders: 4, activeStake: gwk("4000") },
  shares: { providerBps: 8500n, treasuryBps: 500n, burnBps: 1000n },
  rules: { workShareBps: 7000n, workEmissionCapBps: 9000n },
  provider: { capacity: 2, jobsPerHour: 30, pricePerJob: gwk("0.01"), stake: gwk("1000"), powerWatts: 100 },
  electricityPrice: gwk("0.25"),
  gwkPrice: gwk("0.5"),
  boundByDemand: true,
};

test("a small provider: revenue split, work capped by the burn rule, stake-weighted liveness, electricity", () => {
  const e = estimateEarnings(base);
  // 2 slots × 30 jobs/h × 720 h = 43,200 jobs at 0.01 = 432 GWK; demand bound 150 × 43,200 / 2 / 5 = 648,000.
  assert.equal(e.monthly.jobs, 43_200n);
  assert.equal(e.monthly.unboundedRevenue, gwk("432"));
  assert.equal(e.monthly.demandBound, gwk("648000"));
  assert.equal(e.monthly.grossRevenue, gwk("432"));
  // 432 − 5 % treasury − 10 % burn.
  assert.equal(e.monthly.revenue, gwk("367.2"));
  // Per epoch 0.01 GWK paid: the work share would be ~69.99 GWK, the cap is 0.01 × 10 % × 90 % = 0.0009 per epoch.
  assert.equal(e.workCapped, true);
  assert.equal(e.monthly.workEmission, gwk("38.88"));
  // 3,000 GWK liveness pool × 1,000 / (4,000 + 1,000) = 600 per epoch × 43,200 epochs.
  assert.equal(e.monthly.livenessEmission, gwk("25920000"));
  assert.equal(e.monthly.total, gwk("25920406.08"));
  // 100 W × 720 h = 72 kWh × 0.25 = 18.00, = 36 GWK at 0.5.
  assert.equal(e.monthly.energyWh, 72_000n);
  assert.equal(e.monthly.electricityCost, gwk("18"));
  assert.equal(e.monthly.electricityGwk, gwk("36"));
  assert.equal(e.monthly.net, gwk("25920370.08"));
  assert.deepEqual(e.currency, { total: gwk("12960203.04"), electricity: gwk("18"), net: gwk("12960185.04") });
  assert.equal(e.epochsUsed, 2);
  assert.ok(e.assumptions.some((a) => a.includes("30 days")));
});

test("demand bounds revenue; an uncapped work share; electricity not converted without a GWK price", () => {
  const e = estimateEarnings({
    ...base,
    epochSeconds: 3600,
    history: [{ epoch: 7, emission: gwk("1"), revenue: gwk("10") }],
    network: { activeProviders: 1, activeStake: 0n },
    provider: { capacity: 1, jobsPerHour: 100, pricePerJob: gwk("1"), stake: gwk("1000"), powerWatts: 50 },
    electricityPrice: gwk("0.2"),
    gwkPrice: undefined,
  });
  // Demand: 10 GWK per hourly epoch × 720 ÷ (1 + you) = 3,600 GWK, below 72,000 unbounded.
  assert.equal(e.monthly.unboundedRevenue, gwk("72000"));
  assert.equal(e.monthly.demandBound, gwk("3600"));
  assert.equal(e.monthly.grossRevenue, gwk("3600"));
  assert.equal(e.monthly.revenue, gwk("3060"));
  // 5 GWK per epoch of 15 → a third of the 0.7 GWK work pool (floored), below the 0.45 cap.
  assert.equal(e.workCapped, false);
  assert.equal(e.monthly.workEmission, 233_333_333_333_333_333n * 720n);
  // The whole 0.3 GWK liveness pool (nobody else is staked), 720 epochs.
  assert.equal(e.monthly.livenessEmission, gwk("216"));
  assert.equal(e.monthly.total, gwk("3276") + 233_333_333_333_333_333n * 720n);
  assert.equal(e.monthly.electricityCost, gwk("7.2"));
  assert.equal(e.monthly.electricityGwk, null);
  assert.equal(e.monthly.net, e.monthly.total);
  assert.equal(e.currency, null);
});

test("without the demand bound, and with no revenue anywhere, work emissions are zero", () => {
  const e = estimateEarnings({
    ...base,
    boundByDemand: false,
    provider: { ...base.provider, pricePerJob: 0n },
    electricityPrice: undefined,
  });
  assert.equal(e.monthly.demandBound, null);
  assert.equal(e.monthly.grossRevenue, 0n);
  assert.equal(e.monthly.workEmission, 0n);
  assert.equal(e.monthly.electricityCost, null);
  assert.equal(e.monthly.net, e.monthly.total);
});

test("bad inputs are refused", () => {
  assert.throws(() => estimateEarnings({ ...base, history: [] }), InvalidInputError);
  assert.throws(
    () => estimateEarnings({ ...base, shares: { providerBps: 9000n, treasuryBps: 500n, burnBps: 1000n } }),
    /sum to 10,000/,
  );
  assert.throws(() => estimateEarnings({ ...base, gwkPrice: 0n }), /GWK price/);
  assert.throws(() => estimateEarnings({ ...base, epochSeconds: 0 }), /epoch length/);
});

test("revenue share: four decimals and basis points, floored; undefined with nothing at all", () => {
  assert.deepEqual(computeRevenueShare(gwk("100"), gwk("10000")), { decimal: "0.0099", bps: 99 });
  assert.deepEqual(computeRevenueShare(gwk("1"), 0n), { decimal: "1.0000", bps: 10000 });
  assert.deepEqual(computeRevenueShare(gwk("1"), gwk("1")), { decimal: "0.5000", bps: 5000 });
  assert.deepEqual(computeRevenueShare(0n, 0n), { decimal: null, bps: null });
});
