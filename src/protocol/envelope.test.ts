import assert from "node:assert/strict";
import { test } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { InvalidInputError } from "../core/errors.ts";
import { canonicalJson } from "./canonical-json.ts";
import {
  MessageRejectedError,
  nodeKeySigner,
  openEnvelope,
  signEnvelope,
  signEnvelopeSync,
  verifyEnvelopeSignature,
  walletSigner,
} from "./envelope.ts";
import { generateNodeKeySeed, nodeKeyFromSeed } from "./node-key.ts";
import { createReplayGuard } from "./replay-guard.ts";

const body = z.object({ n: z.number() });
const node = nodeKeyFromSeed(generateNodeKeySeed());
const wallet = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MessageRejectedError, String(error));
    return error.reason;
  }
  assert.fail("expected a rejection");
}

test("node-key and wallet envelopes open once, typed", async () => {
  for (const signer of [nodeKeySigner(node), walletSigner(wallet)]) {
    const guard = createReplayGuard({ windowMs: 60_000 });
    const envelope = await signEnvelope(signer, { type: "test.ping", body: { n: 7 } });
    const opened = await openEnvelope(JSON.parse(JSON.stringify(envelope)), { type: "test.ping", body, guard });
    assert.equal(opened.body.n, 7);
    assert.equal(opened.from, signer.id);
    assert.equal(await rejection(openEnvelope(envelope, { type: "test.ping", body, guard })), "replayed");
  }
});

test("every tampering is caught with its reason, and a rejected message burns no nonce", async () => {
  const guard = createReplayGuard({ windowMs: 60_000 });
  const to = node.publicKey;
  const envelope = await signEnvelope(nodeKeySigner(node), { type: "test.ping", body: { n: 1 }, to });
  const open = (raw: unknown, extra: object = {}) =>
    openEnvelope(raw, { type: "test.ping", body, guard, recipient: to, ...extra });
  assert.equal(await rejection(open({ ...envelope, body: { n: 2 } })), "bad-signature");
  assert.equal(await rejection(open({ ...envelope, sig: `0x${"00".repeat(64)}` })), "bad-signature");
  assert.equal(
    await rejection(open({ ...envelope, from: nodeKeyFromSeed(generateNodeKeySeed()).publicKey })),
    "bad-signature",
  );
  assert.equal(await rejection(open({ ...envelope, type: "test.pong" })), "unexpected-type");
  assert.equal(await rejection(open({ ...envelope, nonce: "zz" })), "malformed");
  assert.equal(await rejection(open("not an object")), "malformed");
  assert.equal(await rejection(open(envelope, { now: () => envelope.ts + 120_000 })), "stale");
  assert.equal(
    await rejection(open(envelope, { recipient: nodeKeyFromSeed(generateNodeKeySeed()).publicKey })),
    "wrong-recipient",
  );
  const unsigned = await signEnvelope(nodeKeySigner(node), { type: "test.ping", body: { n: "x" }, to });
  assert.equal(await rejection(open(unsigned)), "invalid-body");
  // None of the above consumed the genuine message's nonce.
  assert.equal((await open(envelope)).body.n, 1);
});

test("a sync-signed node envelope is the same format: it opens over the wire, and tampering breaks it", async () => {
  const guard = createReplayGuard({ windowMs: 60_000 });
  const now = Date.now();
  const envelope = signEnvelopeSync(node, { type: "test.ping", body: { n: 3 } }, now);
  const opened = await openEnvelope(JSON.parse(JSON.stringify(envelope)), { type: "test.ping", body, guard });
  assert.equal(opened.body.n, 3);
  assert.equal(opened.from, node.publicKey);
  assert.equal(await verifyEnvelopeSignature({ ...envelope, body: { n: 4 } }), false);
  assert.notEqual(signEnvelopeSync(node, { type: "test.ping", body: { n: 3 } }, now).nonce, envelope.nonce);
});

test("canonical JSON sorts keys at every depth and refuses what the wire would encode differently", () => {
  assert.equal(
    canonicalJson({ b: [1, { d: null, c: "x" }], a: true, u: undefined }),
    '{"a":true,"b":[1,{"c":"x","d":null}]}',
  );
  assert.throws(() => canonicalJson({ at: new Date(0) }), InvalidInputError);
  assert.throws(() => canonicalJson({ n: Number.NaN }), InvalidInputError);
  assert.throws(() => canonicalJson({ n: 1n }), InvalidInputError);
  const bare = Object.assign(Object.create(null) as object, { z: 1, y: 2 });
  assert.equal(canonicalJson(bare), '{"y":2,"z":1}');
});
