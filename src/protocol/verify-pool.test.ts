import assert from "node:assert/strict";
import { test } from "node:test";
import { nodeKeySigner, signEnvelope } from "./envelope.ts";
import { nodeKeyFromSeed } from "./node-key.ts";
import { createSignatureVerifyPool } from "./verify-pool.ts";

test("the worker pool gives the same verdicts as inline verification, in order", async () => {
  const signer = nodeKeySigner(nodeKeyFromSeed(new Uint8Array(32).fill(7)));
  const envelopes = await Promise.all(
    Array.from({ length: 50 }, (_, i) => signEnvelope(signer, { type: "test.msg", body: { i } })),
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
