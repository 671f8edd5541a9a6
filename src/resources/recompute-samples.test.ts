import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidInputError } from "../core/errors.ts";
import { detectionProbability, recomputeSampleCount } from "./recompute-samples.ts";

test("the sample count meets the detection target, and one fewer would not", () => {
  for (const [p, f] of [
    [0.99, 0.01],
    [0.999999, 0.01],
    [0.95, 0.05],
    [0.5, 0.001],
  ] as const) {
    const s = recomputeSampleCount({ detectionTarget: p, minFraudShare: f }, 1e9);
    assert.ok(detectionProbability(s, f) >= p, `${s} samples reach ${p} for f=${f}`);
    assert.ok(detectionProbability(s - 1, f) < p, `${s - 1} samples do not`);
  }
  assert.equal(recomputeSampleCount({ detectionTarget: 0.99, minFraudShare: 0.01 }, 1e9), 459);
});

test("never more samples than units, and one when every unit is faked", () => {
  assert.equal(recomputeSampleCount({ detectionTarget: 0.99, minFraudShare: 0.01 }, 256), 256);
  assert.equal(recomputeSampleCount({ detectionTarget: 0.99, minFraudShare: 1 }, 256), 1);
});

test("an impossible policy is refused", () => {
  for (const policy of [
    { detectionTarget: 1, minFraudShare: 0.01 },
    { detectionTarget: 0, minFraudShare: 0.01 },
    { detectionTarget: 0.9, minFraudShare: 0 },
    { detectionTarget: Number.NaN, minFraudShare: 0.5 },
  ]) {
    assert.throws(() => recomputeSampleCount(policy, 100), InvalidInputError);
  }
});
