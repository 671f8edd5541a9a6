import assert from "node:assert/strict";
import { test } from "node:test";
import type { Hex, LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { InvalidInputError } from "../core/errors.ts";
import { type Envelope, MessageRejectedError, openEnvelope, signEnvelope, walletSigner } from "./envelope.ts";
import { generateNodeKeySeed, nodeKeyFromSeed } from "./node-key.ts";
import { createReplayGuard } from "./replay-guard.ts";
import { createSessionSigner, type SessionAuth, sessionStatement } from "./session-key.ts";

const body = z.object({ n: z.number() });
const gateway = nodeKeyFromSeed(generateNodeKeySeed()).publicKey.toLowerCase() as Hex;
const otherGateway = nodeKeyFromSeed(generateNodeKeySeed()).publicKey.toLowerCase() as Hex;
const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const mallory = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");

/** The wallet, counting how often it is asked to sign. */
function countingWallet(): { account: LocalAccount; signatures: () => number } {
  const base = privateKeyToAccount(key);
  let count = 0;
  const account: LocalAccount = {
    ...base,
    signMessage: (args) => {
      count++;
      return base.signMessage(args);
    },
  };
  return { account, signatures: () => count };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MessageRejectedError, String(error));
    return error.reason;
  }
  assert.fail("expected a rejection");
}

test("a session key signs many messages for one wallet signature, and they open as the wallet's", async () => {
  const wallet = countingWallet();
  const signer = createSessionSigner({ account: wallet.account, gateway });
  const guard = createReplayGuard({ windowMs: 60_000 });
  const first = await signEnvelope(signer, { type: "test.ping", body: { n: 1 }, to: gateway });
  const second = await signEnvelope(signer, { type: "test.ping", body: { n: 2 }, to: gateway });
  assert.equal(wallet.signatures(), 1);
  assert.equal(first.sig.length, 130, "an Ed25519 signature");
  assert.deepEqual(first.auth, second.auth);
  for (const [envelope, n] of [
    [first, 1],
    [second, 2],
  ] as const) {
    const opened = await openEnvelope(JSON.parse(JSON.stringify(envelope)), {
      type: "test.ping",
      body,
      guard,
      recipient: gateway,
    });
    assert.equal(opened.from, wallet.account.address.toLowerCase());
    assert.equal(opened.body.n, n);
  }
  assert.equal(
    await rejection(openEnvelope(first, { type: "test.ping", body, guard, recipient: gateway })),
    "replayed",
  );
});

test("a session key refuses to sign for another gateway, and a renewal brings a new key", async () => {
  let clock = 1_800_000_000_000;
  const wallet = countingWallet();
  const signer = createSessionSigner({ account: wallet.account, gateway, ttlMs: 600_000, now: () => clock });
  await assert.rejects(
    signEnvelope(signer, { type: "test.ping", body: { n: 1 }, to: otherGateway }),
    InvalidInputError,
  );
  await assert.rejects(signEnvelope(signer, { type: "test.ping", body: { n: 1 } }), InvalidInputError);
  const before = await signEnvelope(signer, { type: "test.ping", body: { n: 1 }, to: gateway }, () => clock);
  clock += 500_000; // past the renewal point (a quarter of the lifetime left)
  const after = await signEnvelope(signer, { type: "test.ping", body: { n: 2 }, to: gateway }, () => clock);
  assert.equal(wallet.signatures(), 2);
  assert.notEqual(before.auth?.key, after.auth?.key);
  assert.equal(after.auth?.expires, clock + 600_000);
  const guard = createReplayGuard({ windowMs: 60_000, now: () => clock });
  const opened = await openEnvelope(after, { type: "test.ping", body, guard, recipient: gateway, now: () => clock });
  assert.equal(opened.body.n, 2);
});

test("every forgery of a session-signed message is refused as a bad signature, and burns no nonce", async () => {
  const wallet = countingWallet();
  const signer = createSessionSigner({ account: wallet.account, gateway });
  const guard = createReplayGuard({ windowMs: 60_000 });
  const envelope = await signEnvelope(signer, { type: "test.ping", body: { n: 1 }, to: gateway });
  const auth = envelope.auth as SessionAuth;
  const open = (raw: unknown, recipient: Hex | "anyone" = gateway) =>
    openEnvelope(raw, { type: "test.ping", body, guard, ...(recipient === "anyone" ? {} : { recipient }) });

  // Another session key of Mallory's own, under the wallet's authorization.
  const malloryKey = await signEnvelope(createSessionSigner({ account: mallory, gateway }), {
    type: "test.ping",
    body: { n: 1 },
    to: gateway,
  });
  const forged: Envelope[] = [
    { ...envelope, body: { n: 2 } },
    { ...envelope, auth: { ...auth, key: (malloryKey.auth as SessionAuth).key }, sig: malloryKey.sig },
    // Mallory's authorization (a genuine statement she signed) claimed as the customer's.
    { ...malloryKey, from: envelope.from },
    { ...envelope, auth: { ...auth, expires: auth.expires + 86_400_000 } },
    { ...envelope, auth: { ...auth, gateway: otherGateway } },
    // The session key itself passed off as a wallet signature, or without its authorization.
    { ...envelope, auth: undefined },
  ];
  for (const [index, raw] of forged.entries()) {
    assert.equal(await rejection(open(JSON.parse(JSON.stringify(raw)))), "bad-signature", `forgery ${index}`);
  }
  // Sent to another recipient than the gateway the key is bound to (re-signed so only `to` is wrong).
  const elsewhere = await signEnvelope(
    { id: signer.id, session: async () => ({ ...(await signer.session(gateway)), auth }) },
    { type: "test.ping", body: { n: 1 }, to: otherGateway },
  );
  assert.equal(await rejection(open(elsewhere, "anyone")), "bad-signature");
  // A message stamped at the expiry is refused even while its clock is accepted.
  const late = { ...envelope, ts: auth.expires };
  assert.equal(
    await rejection(openEnvelope(late, { type: "test.ping", body, guard, recipient: gateway, now: () => late.ts })),
    "bad-signature",
  );
  // A wallet-signed message carrying someone's authorization is judged by the session key, and fails.
  const walletSigned = await signEnvelope(walletSigner(wallet.account), {
    type: "test.ping",
    body: { n: 1 },
    to: gateway,
  });
  assert.equal(await rejection(open({ ...walletSigned, auth })), "bad-signature");
  // The statement a wallet UI would show names the key, gateway and expiry.
  assert.match(sessionStatement(auth), new RegExp(`key: ${auth.key}\\ngateway: ${gateway}`));
  // None of that burned the genuine message's nonce.
  assert.equal((await open(envelope)).body.n, 1);
});
