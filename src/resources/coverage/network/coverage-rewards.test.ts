// The coverage reward component over several oracles' bundles: the union of their evidence gives the same component
// however it is split, duplicated or ordered; a beacon assigned by the second oracle counts only with its revealed
// secret; evidence under a wrong schedule signature or from outside the oracle set does not count.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cellToLatLng, latLngToCell } from "h3-js";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { EpochChainData } from "../../../oracle/daemon/index.ts";
import type { RewardComponent } from "../../../oracle/index.ts";
import {
  createSignatureVerifyPool,
  type Envelope,
  nodeKeyFromSeed,
  nodeKeySigner,
  sha256Hex,
  signEnvelope,
} from "../../../protocol/index.ts";
import { beaconSchedule, coverageMessageTypes, scheduleSecretFrom, scheduleSeed } from "../poc/index.ts";
import { createRfWorld } from "../radio/index.ts";
import { createCoverageRewards } from "./coverage-rewards.ts";
import type { CoverageEpochContext } from "./epoch-context.ts";
import { coverageParamsFor } from "./network-params.ts";

const epoch = 3;
const epochMs = 60_000;
const genesisMs = 1_790_000_000_000;
const startMs = genesisMs + epoch * epochMs;
const params = coverageParamsFor(epochMs);
const [oracleA, oracleB, outsider] = ["a1", "b2", "c3"].map((b) => privateKeyToAccount(`0x${b.repeat(32)}`));
const oracles = [oracleA, oracleB].map((a) => a?.address.toLowerCase() as Hex).sort();
const keys = Array.from({ length: 4 }, (_, i) => nodeKeyFromSeed(new Uint8Array(32).fill(40 + i)));
const owner = (i: number) => `0x${String(i + 1).repeat(40)}` as Hex;
const cells = keys.map((_, i) => latLngToCell(52.5 + i * 0.009, 13.4 + (i % 2) * 0.006, 12));
const seed = scheduleSeed({ epoch, previousRoot: `0x${"0".repeat(64)}`, oracles });
const context: CoverageEpochContext = {
  epoch,
  seed,
  oracles,
  hotspots: keys.map((k, i) => ({ nodeKey: k.publicKey.toLowerCase() as Hex, owner: owner(i), cell: cells[i] })),
  genesisMs,
  epochMs,
};
const chain = (registered = keys.length): EpochChainData => ({
  window: { epoch, startTime: startMs / 1000, endTime: (startMs + epochMs) / 1000 },
  emission: 10_000n * 10n ** 18n,
  params: {
    workShareBps: 7000n,
    workEmissionCapBps: 9000n,
    downtimeJailSeconds: 120n,
    slashAmount: 0n,
    burnBps: 1000n,
  },
  providers: context.hotspots.slice(0, registered).map((h) => ({ nodeKey: h.nodeKey, owner: h.owner, stake: 1n })),
  revenue: [],
  fromBlock: 1,
  toBlock: 2,
});

/** Every hotspot beacons (hotspot 0 with oracle B's assignment, the rest with A's); the world decides who hears. */
async function evidence() {
  const sign = (account: typeof oracleA) => account?.signMessage({ message: { raw: seed } }) as Promise<Hex>;
  const signatures = { a: await sign(oracleA), b: await sign(oracleB), outsider: await sign(outsider) };
  const schedule = (signature: Hex) =>
    beaconSchedule({
      seed,
      secret: scheduleSecretFrom(signature),
      hotspots: context.hotspots.map((h) => h.nodeKey),
      startMs,
      endMs: startMs + epochMs,
      params,
    });
  const fromA = schedule(signatures.a);
  const fromB = schedule(signatures.b);
  const world = createRfWorld({ seed: "coverage-rewards-test" });
  keys.forEach((k, i) => {
    const [lat, lng] = cellToLatLng(cells[i] as string);
    world.addRadio({ id: k.publicKey.toLowerCase(), lat, lng });
  });
  const byKey = new Map(keys.map((k) => [k.publicKey.toLowerCase(), k]));
  const receipts: Envelope[] = [];
  const witnesses: Envelope[] = [];
  for (const beacon of fromA) {
    const own = beacon.beaconer === context.hotspots[0]?.nodeKey;
    const b = own ? (fromB.find((x) => x.beaconId === beacon.beaconId) ?? beacon) : beacon;
    const txTimeNs = BigInt(b.slotMs) * 1_000_000n;
    const signer = nodeKeySigner(byKey.get(b.beaconer) as (typeof keys)[number]);
    receipts.push(
      await signEnvelope(
        signer,
        {
          type: coverageMessageTypes.beacon,
          body: { epoch, beaconId: b.beaconId, payloadHash: b.payloadHash, txTimeNs: txTimeNs.toString() },
        },
        () => b.slotMs + 5,
      ),
    );
    for (const d of world.transmit(b.beaconer, { payload: b.payload, ...params.beacon }, txTimeNs)) {
      const r = d.reception;
      witnesses.push(
        await signEnvelope(
          nodeKeySigner(byKey.get(d.receiverId) as (typeof keys)[number]),
          {
            type: coverageMessageTypes.witness,
            body: {
              epoch,
              beaconId: b.beaconId,
              beaconer: b.beaconer,
              payloadHash: sha256Hex(r.frame.payload),
              rssiDbm: r.rssiDbm,
              snrDb: r.snrDb,
              timeOfArrivalNs: r.timeOfArrivalNs.toString(),
              frequencyHz: r.frame.frequencyHz,
              spreadingFactor: r.frame.spreadingFactor,
            },
          },
          () => b.slotMs + 50,
        ),
      );
    }
  }
  return { signatures, receipts, witnesses };
}

test("the coverage component is the same over any split, duplication or order of the oracles' evidence", async () => {
  const { signatures, receipts, witnesses } = await evidence();
  assert.ok(witnesses.length >= 8, `only ${witnesses.length} receptions`);
  const source = createCoverageRewards({ context: async () => context });
  const a = oracleA?.address.toLowerCase() as Hex;
  const b = oracleB?.address.toLowerCase() as Hex;
  const all = [
    { oracle: a, data: { scheduleSignature: signatures.a, receipts, witnesses } },
    { oracle: b, data: { scheduleSignature: signatures.b, receipts: [], witnesses: [] } },
  ];
  const whole = await source.component({ chain: chain(), evidence: all });
  assert.equal(whole?.name, "coverage");
  assert.equal(whole?.shareBps, 2000n);
  // Four hotspots about a kilometre apart all earn, the one whose beacon oracle B assigned included.
  assert.deepEqual(whole?.weights.map((w) => w.nodeKey).sort(), context.hotspots.map((h) => h.nodeKey).sort());

  const half = Math.floor(witnesses.length / 2);
  const split = [
    { oracle: b, data: { scheduleSignature: signatures.b, receipts, witnesses: witnesses.slice(half - 2) } },
    { oracle: a, data: { scheduleSignature: signatures.a, receipts, witnesses: witnesses.slice(0, half).reverse() } },
  ];
  assert.deepEqual(await source.component({ chain: chain(), evidence: split }), whole);
  assert.deepEqual(await source.component({ chain: chain(), evidence: [...split].reverse() }), whole);

  // Without oracle B's revealed secret, the beacon it assigned does not check out: its beaconer earns less.
  const onlyA = await source.component({ chain: chain(), evidence: [all[0] as (typeof all)[number]] });
  const first = context.hotspots[0]?.nodeKey;
  const weightOf = (c: RewardComponent | undefined, k: Hex | undefined) =>
    c?.weights.find((w) => w.nodeKey === k)?.weight ?? 0n;
  assert.ok(weightOf(onlyA, first) < weightOf(whole, first), "B's beacon counted without B's secret");

  // Evidence under a schedule signature its oracle did not make, or from outside the set, does not count.
  const forged = [
    { oracle: a, data: { scheduleSignature: signatures.a, receipts, witnesses: witnesses.slice(0, half) } },
    { oracle: b, data: { scheduleSignature: signatures.a, receipts, witnesses: witnesses.slice(half) } },
    {
      oracle: outsider?.address.toLowerCase() as Hex,
      data: { scheduleSignature: signatures.outsider, receipts, witnesses },
    },
  ];
  const partial = await source.component({ chain: chain(), evidence: forged.slice(0, 1) });
  assert.deepEqual(await source.component({ chain: chain(), evidence: forged }), partial);
  assert.notDeepEqual(partial, whole);

  // A hotspot no longer in the epoch's registry snapshot is left out; nothing valid at all is no component.
  const three = await source.component({ chain: chain(3), evidence: all });
  assert.equal(three?.weights.length, 3);
  const empty = [{ oracle: a, data: { scheduleSignature: signatures.a, receipts: [], witnesses: [] } }];
  assert.equal(await source.component({ chain: chain(), evidence: empty }), undefined);
  assert.equal(await source.component({ chain: chain(), evidence: [{ oracle: a, data: { junk: 1 } }] }), undefined);

  // Signatures checked on worker threads judge the same: the oracle passes a pool for large epochs.
  const pool = createSignatureVerifyPool({ threads: 2, chunk: 3 });
  try {
    let pooled = 0;
    const threaded = createCoverageRewards({
      context: async () => context,
      verifySignatures: (envelopes) => {
        pooled += envelopes.length;
        return pool.verify(envelopes);
      },
    });
    assert.deepEqual(await threaded.component({ chain: chain(), evidence: all }), whole);
    assert.ok(pooled >= witnesses.length, "every report went through the pool");
  } finally {
    await pool.close();
  }

  // The share is governed (coverage.shareBps as of the epoch's last block), capped by the room the work share leaves.
  const asked: number[] = [];
  const governed = createCoverageRewards({
    context: async () => context,
    shareBps: async (c) => {
      asked.push(c.toBlock);
      return 500n;
    },
  });
  const cheaper = await governed.component({ chain: chain(), evidence: all });
  assert.equal(cheaper?.shareBps, 500n);
  assert.deepEqual(cheaper?.weights, whole?.weights, "the share changes the pot, not who earns what part of it");
  assert.deepEqual(asked, [chain().toBlock]);
  const greedy = createCoverageRewards({ context: async () => context, shareBps: async () => 9_000n });
  assert.equal((await greedy.component({ chain: chain(), evidence: all }))?.shareBps, 3000n, "10,000 − work 7,000");
});
