// How many units a recomputation check must draw so that a result faking a share f of its units is caught with
// probability at least p: 1 − (1 − f)^s ≥ p  ⇔  s ≥ ln(1 − p) / ln(1 − f). Drawing without replacement from a finite
// result only catches more, so this s is an upper bound on what is needed.
import { InvalidInputError } from "../core/errors.ts";
import type { RecomputePolicy } from "./resource-type.ts";

/** The samples `policy` needs, at most `units` (checking every unit catches every fake). */
export function recomputeSampleCount(policy: RecomputePolicy, units: number): number {
  const { detectionTarget: p, minFraudShare: f } = policy;
  if (!(p > 0 && p < 1) || !(f > 0 && f <= 1)) {
    throw new InvalidInputError("a recompute policy needs 0 < detectionTarget < 1 and 0 < minFraudShare ≤ 1", {
      details: { detectionTarget: p, minFraudShare: f },
    });
  }
  const needed = f === 1 ? 1 : Math.ceil(Math.log(1 - p) / Math.log(1 - f));
  return Math.max(0, Math.min(units, needed));
}

/** The probability that `samples` independent draws catch a result faking a share `f` of its units. */
export function detectionProbability(samples: number, f: number): number {
  return 1 - (1 - f) ** samples;
}
