// Reward components: a resource type's share of the emission, paid by its own weights, out of the liveness pool.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Hex } from "viem";
import { computeEpoch, EpochInputError } from "./compute-epoch.ts";
import { serializeResult } from "./daemon/index.ts";
import type { EpochInputs } from "./epoch-types.ts";

const node = (c: string) => `0x${c.repeat(64)}` as Hex;
const addr = (c: string) => `0x${c.repeat(40)}` as Hex;

function inputs(components?: EpochInputs["components"]): EpochInputs {
  return {
    epoch: 1,
    startTime: 0,
    endTime: 3600,
    emission: 1_000_000n,
    params: { workShareBps: 0n, workEmissionCapBps: 9000n, burnBps: 1000n, downtimeJailSeconds: 0n, slashAmount: 0n },
    providers: [
      { nodeKey: node("1"), owner: addr("a"), stake: 100n },
      { nodeKey: node("2"), owner: addr("b"), stake: 100n },
      { nodeKey: node("3"), owner: addr("c"), stake: 100n },
    ],
    revenue: [],
    liveness: [
      { nodeKey: node("1"), challenged: 1, answered: 1, longestSilenceSeconds: 0 },
      { nodeKey: node("2"), challenged: 1, answered: 1, longestSilenceSeconds: 0 },
      { nodeKey: node("3"), challenged: 1, answered: 0, longestSilenceSeconds: 0 }, // jailed: earns nothing
    ],
    fraud: [],
    previous: new Map(),
    ...(components ? { components } : {}),
  };
}

test("a 20 % component is split by weight over unpenalised nodes; liveness gets the remaining 80 %", () => {
  const result = computeEpoch(
    inputs([
      {
        name: "coverage",
        shareBps: 2000n,
        weights: [
          { nodeKey: node("1"), weight: 3n },
          { nodeKey: node("2"), weight: 1n },
          { nodeKey: node("3"), weight: 100n },
        ],
      },
    ]),
  );
  const a = result.owners.find((o) => o.owner === addr("a"));
  const b = result.owners.find((o) => o.owner === addr("b"));
  const c = result.owners.find((o) => o.owner === addr("c"));
  assert.deepEqual(a?.components, { coverage: 150_000n });
  assert.deepEqual(b?.components, { coverage: 50_000n });
  assert.deepEqual(c?.components, { coverage: 0n });
  assert.equal(a?.liveness, 400_000n);
  assert.equal(a?.reward, 550_000n);
  assert.equal(b?.reward, 450_000n);
  assert.equal(result.unallocated, 0n);
  assert.equal(result.nodes.find((n) => n.nodeKey === node("1"))?.components?.coverage, 150_000n);
});

test("without components the result has no component fields; the same inputs give the same root", () => {
  const plain = computeEpoch(inputs());
  assert.equal(plain.owners[0]?.components, undefined);
  const empty = computeEpoch(inputs([{ name: "coverage", shareBps: 2000n, weights: [] }]));
  assert.equal(empty.unallocated, 200_000n, "nobody earned the component: it stays in Rewards");
  assert.equal(computeEpoch(inputs()).earningsRoot, plain.earningsRoot);
});

test("components that overspend the emission, name unknown nodes or repeat a name are refused", () => {
  const over = inputs([{ name: "coverage", shareBps: 10_001n, weights: [] }]);
  assert.throws(
    () => computeEpoch(over),
    (e) => e instanceof EpochInputError && e.reason === "invalid-component",
  );
  const unknown = inputs([{ name: "coverage", shareBps: 1n, weights: [{ nodeKey: node("9"), weight: 1n }] }]);
  assert.throws(
    () => computeEpoch(unknown),
    (e) => e instanceof EpochInputError && e.reason === "unknown-node",
  );
  const twice = inputs([
    { name: "coverage", shareBps: 1n, weights: [] },
    { name: "coverage", shareBps: 1n, weights: [] },
  ]);
  assert.throws(
    () => computeEpoch(twice),
    (e) => e instanceof EpochInputError && e.reason === "invalid-component",
  );
});

test("an epoch with components serializes to JSON with the component amounts as decimal strings", () => {
  const result = computeEpoch(
    inputs([{ name: "coverage", shareBps: 2000n, weights: [{ nodeKey: node("1"), weight: 1n }] }]),
  );
  const json = JSON.parse(JSON.stringify(serializeResult(result))) as {
    owners: { owner: string; components?: Record<string, string> }[];
  };
  assert.equal(json.owners.find((o) => o.owner === addr("a"))?.components?.coverage, "200000");
});
