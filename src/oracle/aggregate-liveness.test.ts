import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import { aggregateLiveness, type ChallengeRecord } from "./aggregate-liveness.ts";

const a = `0x${"a".repeat(64)}` as Hex;
const b = `0x${"b".repeat(64)}` as Hex;
const rec = (nodeKey: Hex, sentAt: number, answered: boolean): ChallengeRecord => ({
  nodeKey,
  sentAt,
  answeredAt: answered ? sentAt + 0.2 : null,
});
const window = { startTime: 1000, endTime: 2000 };

describe("aggregateLiveness", () => {
  it("measures the longest span between up moments that holds only unanswered challenges", () => {
    // up at 1100; misses at 1200, 1300; up at 1450 → silence 1100..1450 = 350; up at 1800, miss at 1900 →
    // silence 1800..2000 (window end) = 200. Longest: 350.
    const records = [
      rec(a, 1300, false),
      rec(a, 1100, true),
      rec(a, 1200, false),
      rec(a, 1450, true),
      rec(a, 1800, true),
      rec(a, 1900, false),
    ];
    assert.deepEqual(aggregateLiveness(records, window), [
      { nodeKey: a, challenged: 6, answered: 3, longestSilenceSeconds: 350 },
    ]);
  });

  it("counts from the window start before the first answer, and the whole window when nothing was answered", () => {
    const result = aggregateLiveness(
      [rec(b, 1050, false), rec(b, 1600, true), rec(a, 1500, false), rec(a, 1700, false)],
      window,
    );
    assert.deepEqual(result, [
      { nodeKey: a, challenged: 2, answered: 0, longestSilenceSeconds: 1000 },
      { nodeKey: b, challenged: 2, answered: 1, longestSilenceSeconds: 600 },
    ]);
  });

  it("is zero when every challenge was answered, and ignores records outside the window", () => {
    const result = aggregateLiveness(
      [rec(a, 1010, true), rec(a, 1990, true), rec(a, 999, false), rec(a, 2000, false)],
      window,
    );
    assert.deepEqual(result, [{ nodeKey: a, challenged: 2, answered: 2, longestSilenceSeconds: 0 }]);
  });

  it("never hides an unanswered challenge behind an answered one at the same moment", () => {
    const result = aggregateLiveness([rec(a, 1500, false), rec(a, 1500, true)], window);
    assert.deepEqual(result, [{ nodeKey: a, challenged: 2, answered: 1, longestSilenceSeconds: 500 }]);
  });
});
