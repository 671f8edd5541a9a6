import assert from "node:assert/strict";
import { test } from "node:test";
import { privateKeyToAccount } from "viem/accounts";
import { type Envelope, nodeKeySigner, signEnvelope, verifyEnvelopeSignature, walletSigner } from "./envelope.ts";
import { nodeKeyFromSeed } from "./node-key.ts";
import { createSignatureVerifyPool } from "./verify-pool.ts";

test("the worker pool gives the same verdicts as inline verification, in order", async () => {
  const signers = [1, 2, 3].map((k) => nodeKeySigner(nodeKeyFromSeed(new Uint8Array(32).fill(k))));
  const envelopes = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      signEnvelope(signers[i % 3] as (typeof signers)[number], { type: "test.msg", body: { i } }),
    ),
  );
  // Every third one tampered with after signing.
  const mixed = envelopes.map((e, i) => (i % 3 === 0 ? { ...e, body: { i: i + 1 } } : e));
  const pool = createSignatureVerifyPool({ threads: 2, chunk: 7 });
  try {
    const valid = await pool.verify(mixed);
    assert.deepEqual(
      valid,
      mixed.map((_, i) => i % 3 !== 0),
    );
  } finally {
    await pool.close();
  }
});

test("wallet envelopes, a wallet-sized signature on a node key and malformed keys get the inline verdicts", async () => {
  const node = nodeKeySigner(nodeKeyFromSeed(new Uint8Array(32).fill(9)));
  const wallet = walletSigner(
    privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"),
  );
  const good = await signEnvelope(node, { type: "test.msg", body: { k: 1 } });
  const byWallet = await signEnvelope(wallet, { type: "test.msg", body: { k: 2 } });
  const cases: Envelope[] = [
    good,
    byWallet,
    { ...byWallet, body: { k: 3 } },
    { ...good, sig: `${good.sig}00` },
    { ...good, from: `0x${"zz".repeat(32)}` },
    { ...good, sig: `0x${"00".repeat(64)}` },
    good,
  ];
  const pool = createSignatureVerifyPool({ threads: 2, chunk: 3 });
  try {
    const inline = await Promise.all(cases.map((e) => verifyEnvelopeSignature(e)));
    assert.deepEqual(inline, [true, true, false, false, false, false, true]);
    assert.deepEqual(await pool.verify(cases), inline);
    assert.deepEqual(await pool.verify([]), []);
  } finally {
    await pool.close();
  }
});
