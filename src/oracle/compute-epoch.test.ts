import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import { buildEarningsTree } from "../chain/earnings-tree.ts";
import { computeEpoch, EpochInputError, ZERO_ROOT } from "./compute-epoch.ts";
import type { EpochInputs } from "./epoch-types.ts";

const node = (c: string) => `0x${c.repeat(64)}` as Hex;
const addr = (c: string) => `0x${c.repeat(40)}` as Hex;
const [A, B, C, D, E, F] = ["aa", "bb", "cc", "dd", "ee", "ff"].map((c) => addr(c[0] as string)) as Hex[];

function example(): EpochInputs {
  return {
    epoch: 3,
    startTime: 0,
    endTime: 86_400,
    emission: 1_000_000n,
    params: {
      workShareBps: 5000n,
      workEmissionCapBps: 9000n,
      burnBps: 1000n,
      downtimeJailSeconds: 3600n,
      slashAmount: 100n,
    },
    providers: [
      { nodeKey: node("1"), owner: A as Hex, stake: 100n },
      { nodeKey: node("2"), owner: B as Hex, stake: 300n },
      { nodeKey: node("3"), owner: C as Hex, stake: 200n },
      { nodeKey: node("4"), owner: D as Hex, stake: 100n },
      { nodeKey: node("5"), owner: D as Hex, stake: 50n },
      { nodeKey: node("6"), owner: A as Hex, stake: 100n },
    ],
    revenue: [
      { owner: A as Hex, amount: 1_000_000n },
      { owner: B as Hex, amount: 10_000n },
      { owner: C as Hex, amount: 50_000n },
      { owner: E as Hex, amount: 5_000n },
    ],
    liveness: [
      { nodeKey: node("1"), challenged: 10, answered: 10, longestSilenceSeconds: 0 },
      { nodeKey: node("2"), challenged: 10, answered: 5, longestSilenceSeconds: 100 },
      { nodeKey: node("3"), challenged: 10, answered: 10, longestSilenceSeconds: 0 },
      { nodeKey: node("4"), challenged: 4, answered: 4, longestSilenceSeconds: 3600 },
      { nodeKey: node("5"), challenged: 3, answered: 0, longestSilenceSeconds: 10 },
    ],
    fraud: [
      { nodeKey: node("3"), jobId: "j1" },
      { nodeKey: node("3"), jobId: "j2" },
      { nodeKey: node("3"), jobId: "j2" }, // the same job reported twice counts once
    ],
    previous: new Map([
      [F as Hex, 500n],
      [A as Hex, 1000n],
    ]),
  };
}

describe("computeEpoch", () => {
  it("computes a hand-worked epoch exactly", () => {
    const result = computeEpoch(example());
    // work pool 500,000; eligible revenue A + B = 1,010,000 (C penalised, E has no node).
    // A: share 495,049 capped at 1,000,000 × 1000 × 9000 / 10⁸ = 90,000. B: share 4,950 capped at 900.
    // liveness pool 500,000 over n1 (100 × 10,000) and n2 (300 × 5,000): 200,000 and 300,000.
    const owner = (a: Hex) => result.owners.find((o) => o.owner === a);
    assert.deepEqual(owner(A as Hex), {
      owner: A,
      revenue: 1_000_000n,
      work: 90_000n,
      liveness: 200_000n,
      reward: 290_000n,
      cumulative: 291_000n,
    });
    assert.deepEqual(owner(B as Hex), {
      owner: B,
      revenue: 10_000n,
      work: 900n,
      liveness: 300_000n,
      reward: 300_900n,
      cumulative: 300_900n,
    });
    assert.equal(owner(C as Hex)?.reward, 0n);
    assert.equal(owner(D as Hex)?.reward, 0n);
    assert.equal(owner(E as Hex)?.work, 0n);
    assert.equal(result.unallocated, 1_000_000n - 90_900n - 500_000n);
    assert.deepEqual(result.leaves, [
      { account: A, cumulativeAmount: 291_000n },
      { account: B, cumulativeAmount: 300_900n },
      { account: F, cumulativeAmount: 500n },
    ]);
    assert.equal(result.cumulativeTotal, 592_400n);
    assert.equal(result.earningsRoot, buildEarningsTree(result.leaves).root);
    assert.deepEqual(result.jailed, [node("3"), node("4"), node("5")]);
    assert.deepEqual(result.slashes, [{ nodeKey: node("3"), amount: 200n }]);
    const n2 = result.nodes.find((n) => n.nodeKey === node("2"));
    assert.deepEqual(n2, {
      nodeKey: node("2"),
      owner: B,
      uptimeBps: 5000,
      liveness: 300_000n,
      jailed: false,
      slashed: 0n,
      fraudJobs: 0,
    });
    assert.deepEqual(
      result.nodes.map((n) => n.nodeKey),
      ["1", "2", "3", "4", "5", "6"].map(node),
    );
    assert.equal(result.nodes.find((n) => n.nodeKey === node("6"))?.liveness, 0n);
  });

  it("jails for downtime only at the threshold, and 0 disables the silence rule", () => {
    const inputs = example();
    inputs.liveness[3] = { nodeKey: node("4"), challenged: 4, answered: 4, longestSilenceSeconds: 3599 };
    assert.ok(!computeEpoch(inputs).jailed.includes(node("4")));
    inputs.params.downtimeJailSeconds = 0n;
    inputs.liveness[1] = { nodeKey: node("2"), challenged: 10, answered: 5, longestSilenceSeconds: 80_000 };
    const result = computeEpoch(inputs);
    assert.ok(!result.jailed.includes(node("2")));
    assert.ok(result.jailed.includes(node("5")), "answering nothing still jails");
  });

  it("reports everything unallocated and the zero root when nobody was ever paid", () => {
    const inputs = example();
    inputs.liveness = [];
    inputs.revenue = [];
    inputs.previous = new Map();
    inputs.fraud = [];
    const result = computeEpoch(inputs);
    assert.equal(result.earningsRoot, ZERO_ROOT);
    assert.equal(result.unallocated, 1_000_000n);
    assert.deepEqual(result.leaves, []);
  });

  it("carries previous leaves of owners not paid this epoch, unchanged", () => {
    const result = computeEpoch(example());
    assert.deepEqual(result.leaves.at(-1), { account: F, cumulativeAmount: 500n });
  });

  it("gives the same result for the same inputs in any order", () => {
    const a = computeEpoch(example());
    const shuffled = example();
    shuffled.providers.reverse();
    shuffled.liveness.reverse();
    shuffled.revenue.reverse();
    shuffled.fraud.reverse();
    shuffled.previous = new Map([...shuffled.previous].reverse());
    assert.deepEqual(computeEpoch(shuffled), a);
    const upper = example();
    upper.providers[0] = {
      ...(upper.providers[0] as EpochInputs["providers"][number]),
      owner: `0x${"A".repeat(40)}` as Hex,
    };
    assert.equal(computeEpoch(upper).earningsRoot, a.earningsRoot);
  });

  it("rejects inconsistent inputs with a typed reason", () => {
    const cases: [string, (i: EpochInputs) => void][] = [
      ["duplicate-node", (i) => i.providers.push({ nodeKey: node("1"), owner: A as Hex, stake: 1n })],
      ["invalid-amount", (i) => ((i.providers[0] as { stake: bigint }).stake = -1n)],
      ["invalid-amount", (i) => i.revenue.push({ owner: F as Hex, amount: -5n })],
      ["invalid-amount", (i) => (i.emission = -1n)],
      [
        "unknown-node",
        (i) => i.liveness.push({ nodeKey: node("9"), challenged: 1, answered: 1, longestSilenceSeconds: 0 }),
      ],
      ["unknown-node", (i) => i.fraud.push({ nodeKey: node("9"), jobId: "x" })],
      [
        "duplicate-liveness",
        (i) => i.liveness.push({ nodeKey: node("1"), challenged: 1, answered: 1, longestSilenceSeconds: 0 }),
      ],
      [
        "invalid-liveness",
        (i) => i.liveness.splice(0, 1, { nodeKey: node("1"), challenged: 1, answered: 2, longestSilenceSeconds: 0 }),
      ],
      [
        "invalid-liveness",
        (i) => i.liveness.splice(0, 1, { nodeKey: node("1"), challenged: -1, answered: 0, longestSilenceSeconds: 0 }),
      ],
      ["duplicate-owner", (i) => i.revenue.push({ owner: A as Hex, amount: 1n })],
      ["invalid-node-key", (i) => i.providers.push({ nodeKey: "0x12" as Hex, owner: A as Hex, stake: 1n })],
      ["invalid-address", (i) => i.providers.push({ nodeKey: node("7"), owner: "0xnope" as Hex, stake: 1n })],
      ["invalid-parameter", (i) => (i.params.workShareBps = 10_001n)],
      ["invalid-window", (i) => (i.endTime = -1)],
    ];
    for (const [reason, mutate] of cases) {
      const inputs = example();
      mutate(inputs);
      assert.throws(
        () => computeEpoch(inputs),
        (e: unknown) => e instanceof EpochInputError && e.reason === reason,
        reason,
      );
    }
  });
});

// ---------------------------------------------------------------- fuzz: wash trading and conservation

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const big = (random: () => number, digits: number) =>
  BigInt(Array.from({ length: 1 + Math.floor(random() * digits) }, () => Math.floor(random() * 10)).join(""));

describe("computeEpoch economics (fuzz)", () => {
  it("never pays a self-dealing owner as much work reward as the burn its revenue caused; conserves emission", () => {
    const random = rng(20260101);
    for (let round = 0; round < 400; round++) {
      const nodes = 1 + Math.floor(random() * 12);
      const ownerCount = 1 + Math.floor(random() * 6);
      const providers = Array.from({ length: nodes }, (_, i) => ({
        nodeKey: `0x${(i + 1).toString(16).padStart(64, "0")}` as Hex,
        owner: `0x${(1 + Math.floor(random() * ownerCount)).toString(16).padStart(40, "0")}` as Hex,
        stake: big(random, 22),
      }));
      const owners = [...new Set(providers.map((p) => p.owner))];
      const washer = owners[0] as Hex;
      const revenue = owners.filter(() => random() < 0.7).map((owner) => ({ owner, amount: big(random, 24) }));
      if (!revenue.some((r) => r.owner === washer)) revenue.push({ owner: washer, amount: big(random, 24) });
      const inputs: EpochInputs = {
        epoch: round,
        startTime: 0,
        endTime: 3600,
        emission: big(random, 26),
        params: {
          workShareBps: BigInt(Math.floor(random() * 10_001)),
          workEmissionCapBps: BigInt(Math.floor(random() * 10_000)), // < 10,000
          burnBps: BigInt(1 + Math.floor(random() * 10_000)),
          downtimeJailSeconds: 600n,
          slashAmount: 1n,
        },
        providers,
        revenue,
        liveness: providers
          .filter(() => random() < 0.8)
          .map((p) => {
            const challenged = Math.floor(random() * 20);
            return {
              nodeKey: p.nodeKey,
              challenged,
              answered: Math.floor(random() * (challenged + 1)),
              longestSilenceSeconds: Math.floor(random() * 900),
            };
          }),
        fraud: random() < 0.2 ? [{ nodeKey: (providers[0] as { nodeKey: Hex }).nodeKey, jobId: "f" }] : [],
        previous: new Map(),
      };
      const result = computeEpoch(inputs);
      const washed = result.owners.find((o) => o.owner === washer);
      const paid = (revenue.find((r) => r.owner === washer) as { amount: bigint }).amount;
      // work < revenue × burnBps / 10⁴, exactly (the burn as a rational number).
      const work = washed?.work ?? 0n;
      assert.ok(
        work === 0n || work * 10_000n < paid * inputs.params.burnBps,
        `round ${round}: work ${work} vs burn of ${paid}`,
      );
      const rewards = result.owners.reduce((s, o) => s + o.reward, 0n);
      assert.equal(rewards + result.unallocated, inputs.emission, `round ${round}: conservation`);
      assert.ok(result.unallocated >= 0n);
      assert.equal(
        result.cumulativeTotal,
        result.leaves.reduce((s, l) => s + l.cumulativeAmount, 0n),
      );
    }
  });
});
