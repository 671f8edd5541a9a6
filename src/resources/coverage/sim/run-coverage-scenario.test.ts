// The adversarial suite end to end at small scale: every spoofer and ring member caught, no honest hotspot
// penalised, replays and forgeries rejected; the verdicts do not depend on the order evidence arrived in.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runGw, tempHome } from "../../../testing/index.ts";
import { validateCoverageEpoch } from "../poc/index.ts";
import { runCoverageScenario, simulateCoverageEpoch } from "./run-coverage-scenario.ts";

const options = {
  seed: "scenario-test",
  hotspots: 800,
  spoofers: 0.03,
  rings: 0.03,
  stacked: 0.03,
  densityPerKm2: 0.08,
  center: { lat: 43.6, lng: 1.44 },
  replayed: 20,
  forged: 20,
  epochSeconds: 86_400,
};

test("spoofers and rings are caught, honest hotspots are not penalised, replays and forgeries are rejected", async () => {
  const r = await runCoverageScenario(options);
  assert.ok(r.spoofers >= 20 && r.ringMembers >= 20);
  assert.equal(r.spoofersCaught, r.spoofers);
  assert.equal(r.ringMembersCaught, r.ringMembers);
  assert.equal(r.honestPenalized, 0);
  assert.equal(r.stackedPenalized, 0);
  assert.equal(r.replayedCaught, r.replayedSent);
  assert.equal(r.forgedCaught, r.forgedSent);
  assert.equal(r.adversaryWeightShare, 0);
  // Ten on one roof earn together about what one hotspot earns.
  assert.ok(r.stackedRewardRatio > 0 && r.stackedRewardRatio < 0.2, `stacked ratio ${r.stackedRewardRatio}`);
});

test("the same evidence in another order gives the same verdicts and weights", async () => {
  const { evidence } = await simulateCoverageEpoch({ ...options, hotspots: 300, seed: "order" });
  const a = await validateCoverageEpoch(evidence);
  const b = await validateCoverageEpoch({
    ...evidence,
    witnesses: [...evidence.witnesses].reverse(),
    receipts: [...evidence.receipts].reverse(),
    hotspots: [...evidence.hotspots].reverse(),
  });
  assert.deepEqual(b.hotspots, a.hotspots);
  assert.deepEqual(b.stats, a.stats);
});

test("gw sim --coverage prints the suite's report", async () => {
  const home = tempHome();
  try {
    const out = await runGw(["sim", "--coverage", "--hotspots", "200", "--seed", "cli", "--json"], {
      env: { GW_HOME: home.path },
    });
    assert.equal(out.code, 0, out.stderr);
    const report = out.json as { hotspots: number; spoofers: number; honest: number };
    assert.equal(report.hotspots, 200);
    assert.equal(report.spoofers, 2);
    const bad = await runGw(["sim", "--coverage", "--density", "-1", "--json"], { env: { GW_HOME: home.path } });
    assert.equal(bad.code, 2);
  } finally {
    home.remove();
  }
});
