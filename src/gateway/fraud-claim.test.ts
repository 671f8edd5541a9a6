// A customer's recompute claim at the gateway: a claim that holds becomes a gateway-signed report.fraud in the store
// and a failure on the provider's record; a claim from anyone but the job's customer, one that does not hold, or a
// replay is refused and changes nothing.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { InvalidInputError } from "../core/errors.ts";
import { verifyAnyFraudReport } from "../oracle/evidence/index.ts";
import {
  createReplayGuard,
  generateNodeKeySeed,
  MessageRejectedError,
  messageTypes,
  nodeKeyFromSeed,
  nodeKeySigner,
  signEnvelope,
  walletSigner,
} from "../protocol/index.ts";
import { tempHome } from "../testing/index.ts";
import { type RenderEvidence, renderTestEvidence, signTileResult } from "../testing/render-evidence.ts";
import { acceptFraudClaim } from "./fraud-claim.ts";
import { openGatewayStore } from "./gateway-store.ts";

const gateway = nodeKeyFromSeed(generateNodeKeySeed());
const provider = nodeKeyFromSeed(generateNodeKeySeed());
const customer = privateKeyToAccount(generatePrivateKey());
const other = privateKeyToAccount(generatePrivateKey());
const home = tempHome("gw-claim-");
const store = openGatewayStore(home.path);
const convicted: Hex[] = [];
const context = {
  signer: nodeKeySigner(gateway),
  guard: createReplayGuard({ windowMs: 60_000 }),
  store,
  now: Date.now,
  onConvicted: (p: Hex) => void convicted.push(p),
};
let evidence: RenderEvidence;

before(async () => {
  evidence = await renderTestEvidence();
});
after(() => {
  store.close();
  home.remove();
});

async function claim(output: Uint8Array, from = customer) {
  const result = await signTileResult({
    provider,
    gateway: gateway.publicKey,
    customer: customer.address,
    spec: evidence.spec,
    output,
  });
  return signEnvelope(walletSigner(from), {
    type: messageTypes.fraudClaim,
    body: { result, spec: evidence.spec, blobs: evidence.blobs, claim: evidence.claim },
    to: gateway.publicKey,
  });
}

const fraudReports = () => store.listReports({ kind: "fraud", limit: 100 }).reports;

test("refused claims change nothing: another wallet's, one that does not hold, a replay", async () => {
  await assert.rejects(acceptFraudClaim(await claim(evidence.altered, other), context), InvalidInputError);
  await assert.rejects(
    acceptFraudClaim(await claim(evidence.honest), context),
    (error: unknown) =>
      error instanceof InvalidInputError && (error.details as { reason?: string }).reason === "claim-not-proven",
  );
  assert.equal(fraudReports().length, 0);
  assert.deepEqual(convicted, []);
});

test("a claim that holds is reported, signed by the gateway, in a form the oracles accept", async () => {
  const raw = await claim(evidence.altered);
  const answer = await acceptFraudClaim(raw, context);
  assert.equal(answer.provider, provider.publicKey);
  assert.deepEqual(convicted, [provider.publicKey]);
  const [stored] = fraudReports();
  assert.equal(stored?.seq, answer.seq);
  assert.equal(stored?.report.from, gateway.publicKey);
  const verified = await verifyAnyFraudReport(stored?.report, { gatewayKeys: [gateway.publicKey] });
  assert.deepEqual(verified.dissenters, [provider.publicKey]);

  await assert.rejects(acceptFraudClaim(raw, context), MessageRejectedError);
  assert.equal(fraudReports().length, 1);
});
