import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import {
  createReplayGuard,
  type Envelope,
  generateNodeKeySeed,
  messageTypes,
  nodeKeyFromSeed,
  nodeKeySigner,
  signEnvelope,
} from "../../protocol/index.ts";
import { createIntake } from "./create-intake.ts";
import { EvidenceRejectedError, type EvidenceRejectReason } from "./evidence-error.ts";
import { verifyPong } from "./verify-pong.ts";

const oracle = `0x${"0a".repeat(20)}` as Hex;
const nonce = `0x${"5e".repeat(32)}` as Hex;
const node = nodeKeyFromSeed(generateNodeKeySeed());
const stranger = nodeKeyFromSeed(generateNodeKeySeed());
const now = 1_700_000_000_000;
const clock = () => now;

async function pong(overrides: { body?: unknown; type?: string; to?: Hex; ts?: number; key?: typeof node } = {}) {
  return (await signEnvelope(
    nodeKeySigner(overrides.key ?? node),
    {
      type: overrides.type ?? messageTypes.challengePong,
      body: overrides.body ?? { nonce, oracle },
      to: overrides.to ?? oracle,
    },
    () => overrides.ts ?? now,
  )) as Envelope;
}

function rejects(fn: () => unknown, reason: EvidenceRejectReason) {
  assert.throws(fn, (e: unknown) => e instanceof EvidenceRejectedError && e.reason === reason, reason);
}

describe("verifyPong", () => {
  it("accepts a pong signed by the challenged node key (object or JSON text), once", async () => {
    const envelope = await pong();
    const guard = createReplayGuard({ windowMs: 120_000, now: clock });
    const verified = verifyPong(JSON.stringify(envelope), {
      oracle,
      guard,
      now: clock,
      challenge: { nodeKey: node.publicKey, nonce },
    });
    assert.deepEqual(verified, { nodeKey: node.publicKey, nonce, oracle, answeredAt: now });
    rejects(() => verifyPong(envelope, { oracle, guard, now: clock }), "replayed");
    // Without a guard (bundle verification) neither freshness nor replay applies.
    assert.equal(verifyPong(envelope, { oracle }).nodeKey, node.publicKey);
  });

  it("names the reason for every rejection", async () => {
    const live = () => ({ oracle, now: clock, guard: createReplayGuard({ windowMs: 120_000, now: clock }) });
    const good = await pong();
    const cases: [unknown, EvidenceRejectReason, object?][] = [
      ["{not json", "malformed"],
      [{ ...good, sig: "0x12" }, "malformed"],
      [{ ...good, from: `0x${"0c".repeat(20)}` }, "malformed"],
      [await pong({ type: messageTypes.challengePing }), "unexpected-type"],
      [await pong({ to: `0x${"0b".repeat(20)}` }), "wrong-recipient"],
      [await pong({ ts: now - 61_000 }), "stale"],
      [await pong({ body: { nonce, oracle, extra: 1 } }), "invalid-body"],
      [await pong({ body: { nonce: "0x1", oracle } }), "invalid-body"],
      [await pong({ body: { nonce, oracle: `0x${"0b".repeat(20)}` } }), "wrong-oracle"],
      [good, "unknown-challenge", { challenge: { nodeKey: stranger.publicKey, nonce } }],
      [{ ...good, from: stranger.publicKey }, "bad-signature"],
      [{ ...good, body: { nonce: `0x${"5f".repeat(32)}`, oracle } }, "bad-signature"],
    ];
    for (const [raw, reason, extra] of cases) rejects(() => verifyPong(raw, { ...live(), ...extra }), reason);
    // and the untouched pong passes the same checks
    assert.equal(verifyPong(good, live()).nodeKey, node.publicKey);
  });
});

describe("createIntake: pongs", () => {
  it("accepts registered, fresh, signed pongs and counts rejections by reason", async () => {
    const unregistered = nodeKeyFromSeed(generateNodeKeySeed());
    let lookups = 0;
    const intake = createIntake({
      oracle,
      guard: createReplayGuard({ windowMs: 120_000, now: clock }),
      now: clock,
      isRegistered: async (key) => {
        lookups++;
        return key !== unregistered.publicKey;
      },
      matchChallenge: (_key, n) => n === nonce,
    });
    const first = await pong();
    const second = await pong();
    const batch = await intake.acceptPongs([
      first,
      JSON.stringify(second),
      first, // replayed
      await pong({ key: unregistered }),
      await pong({ key: unregistered }),
      await pong({ body: { nonce: `0x${"77".repeat(32)}`, oracle } }),
      { ...(await pong()), sig: `0x${"00".repeat(64)}` },
      42,
    ]);
    assert.equal(batch.accepted.length, 2);
    assert.deepEqual(
      batch.rejected.map((r) => [r.index, r.reason]),
      [
        [2, "replayed"],
        [3, "not-registered"],
        [4, "not-registered"],
        [5, "unknown-challenge"],
        [6, "bad-signature"],
        [7, "malformed"],
      ],
    );
    assert.equal(lookups, 2, "one registry lookup per node key (cached, negative answers too)");
    assert.deepEqual(intake.stats(), {
      acceptedPongs: 2,
      acceptedFraudReports: 0,
      rejected: { replayed: 1, "not-registered": 2, "unknown-challenge": 1, "bad-signature": 1, malformed: 1 },
    });
  });
});
