// Recompute fraud reports as an oracle sees them: a gateway-signed report carrying a provider's signed tile, the spec
// and scene, and the pixels claimed wrong. Accepted only when re-rendering those pixels shows the lie; each broken
// piece is refused with its reason.
import assert from "node:assert/strict";
import { before, test } from "node:test";
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
import { type RenderEvidence, renderTestEvidence, signTileResult } from "../../testing/render-evidence.ts";
import { createIntake } from "./create-intake.ts";
import { EvidenceRejectedError, type EvidenceRejectReason } from "./evidence-error.ts";
import { verifyAnyFraudReport } from "./verify-recompute-fraud.ts";

const gateway = nodeKeyFromSeed(generateNodeKeySeed());
const provider = nodeKeyFromSeed(generateNodeKeySeed());
const stranger = nodeKeyFromSeed(generateNodeKeySeed());
const customer = `0x${"0c".repeat(20)}` as Hex;
let evidence: RenderEvidence;

before(async () => {
  evidence = await renderTestEvidence();
});

async function report(
  overrides: {
    output?: Uint8Array;
    body?: Record<string, unknown>;
    signer?: typeof gateway;
    resultSigner?: typeof provider;
    resourceType?: string;
  } = {},
) {
  const result = await signTileResult({
    provider,
    gateway: gateway.publicKey,
    customer,
    spec: evidence.spec,
    output: overrides.output ?? evidence.altered,
    ...(overrides.resultSigner ? { signer: overrides.resultSigner } : {}),
    ...(overrides.resourceType ? { resourceType: overrides.resourceType } : {}),
  });
  const jobId = (result.body as { receipt: { jobId: string } }).receipt.jobId;
  return signEnvelope(nodeKeySigner(overrides.signer ?? gateway), {
    type: messageTypes.fraudReport,
    body: {
      method: "recompute",
      jobId,
      resourceType: "render",
      dissenters: [provider.publicKey],
      evidence: [result],
      spec: evidence.spec,
      blobs: evidence.blobs,
      claim: evidence.claim,
      ...overrides.body,
    },
  });
}

async function rejects(raw: Promise<Envelope>, reason: EvidenceRejectReason) {
  await assert.rejects(
    verifyAnyFraudReport(await raw, { gatewayKeys: [gateway.publicKey] }),
    (error: unknown) => error instanceof EvidenceRejectedError && error.reason === reason,
    reason,
  );
}

test("a report whose claimed pixels re-render differently convicts the provider", async () => {
  const verified = await verifyAnyFraudReport(await report(), { gatewayKeys: [gateway.publicKey] });
  assert.deepEqual(verified.dissenters, [provider.publicKey]);
  assert.equal(verified.resourceType, "render");
  assert.equal(verified.gateway, gateway.publicKey);

  const intake = createIntake({
    oracle: `0x${"0a".repeat(20)}`,
    guard: createReplayGuard({ windowMs: 60_000 }),
    isRegistered: () => true,
    gatewayKeys: [gateway.publicKey],
  });
  const raw = await report();
  const batch = await intake.acceptFraudReports([raw, raw]);
  assert.equal(batch.accepted.length, 1);
  assert.deepEqual(
    batch.rejected.map((r) => r.reason),
    ["replayed"],
  );
});

test("every broken piece is refused with its reason", async () => {
  await rejects(report({ output: evidence.honest }), "claim-not-proven");
  await rejects(report({ body: { spec: { ...evidence.spec, frame: 2 } } }), "spec-mismatch");
  await rejects(report({ body: { blobs: {} } }), "spec-mismatch");
  await rejects(report({ body: { claim: { kind: "pixels", pixels: [0, 0] } } }), "claim-not-proven");
  await rejects(report({ body: { dissenters: [stranger.publicKey] } }), "dissenters-mismatch");
  await rejects(report({ resultSigner: stranger }), "evidence-signature");
  await rejects(report({ resourceType: "compute" }), "not-recomputable");
  await rejects(report({ signer: stranger }), "unknown-gateway");
  const tampered = await report();
  (tampered.body as { claim: unknown }).claim = { kind: "size" };
  await rejects(Promise.resolve(tampered), "bad-signature");
});
