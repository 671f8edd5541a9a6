import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import {
  createReplayGuard,
  type Envelope,
  generateNodeKeySeed,
  hashSpec,
  messageTypes,
  type NodeKey,
  nodeKeyFromSeed,
  nodeKeySigner,
  type Receipt,
  sha256Hex,
  signEnvelope,
} from "../../protocol/index.ts";
import { createIntake } from "./create-intake.ts";
import { EvidenceRejectedError, type EvidenceRejectReason } from "./evidence-error.ts";
import { verifyFraudReport } from "./verify-fraud-report.ts";

const gateway = nodeKeyFromSeed(generateNodeKeySeed());
const otherGateway = nodeKeyFromSeed(generateNodeKeySeed());
const [p1, p2, p3, p4] = Array.from({ length: 4 }, () => nodeKeyFromSeed(generateNodeKeySeed())) as NodeKey[];
const jobId = "ab".repeat(16);
const good = `0x${"11".repeat(32)}` as Hex;
const bad = `0x${"22".repeat(32)}` as Hex;
const owner = `0x${"0d".repeat(20)}` as Hex;

function receipt(provider: NodeKey, digest: Hex, overrides: Partial<Receipt> = {}): Receipt {
  return {
    jobId,
    attempt: 0,
    customer: `0x${"0c".repeat(20)}`,
    gateway: gateway.publicKey,
    provider: provider.publicKey,
    owner,
    resourceType: "compute",
    specHash: hashSpec({ program: "x" }),
    outputHash: sha256Hex("out"),
    resultDigest: digest,
    deterministic: true,
    price: "1",
    metering: {},
    startedAt: 1,
    finishedAt: 2,
    ...overrides,
  };
}

async function result(provider: NodeKey, digest: Hex, overrides: Partial<Receipt> = {}, signer = provider) {
  return signEnvelope(nodeKeySigner(signer), {
    type: messageTypes.jobResult,
    body: { receipt: receipt(provider, digest, overrides), output: "", outcome: {} },
    to: gateway.publicKey,
  });
}

async function report(evidence: Envelope[], overrides: Record<string, unknown> = {}, signer = gateway) {
  return signEnvelope(nodeKeySigner(signer), {
    type: messageTypes.fraudReport,
    body: { jobId, resourceType: "compute", majorityDigest: good, dissenters: [p3?.publicKey], evidence, ...overrides },
  }) as Promise<Envelope>;
}

const gatewayKeys = new Set<string>([gateway.publicKey]);
const rejects = (raw: unknown, reason: EvidenceRejectReason) =>
  assert.throws(
    () => verifyFraudReport(raw, { gatewayKeys }),
    (e: unknown) => e instanceof EvidenceRejectedError && e.reason === reason,
    reason,
  );

describe("verifyFraudReport", async () => {
  const honest = [await result(p1 as NodeKey, good), await result(p2 as NodeKey, good)];
  const liar = await result(p3 as NodeKey, bad);

  it("accepts a deterministic majority and returns the dissenters", async () => {
    const envelope = await report([...honest, liar]);
    const verified = verifyFraudReport(JSON.stringify(envelope), { gatewayKeys: [gateway.publicKey] });
    assert.deepEqual(verified, {
      jobId,
      resourceType: "compute",
      specHash: hashSpec({ program: "x" }),
      gateway: gateway.publicKey,
      reportedAt: envelope.ts,
      majorityDigest: good,
      dissenters: [(p3 as NodeKey).publicKey],
      providers: 3,
    });
  });

  it("names the reason for every rejection", async () => {
    const r = (e: Envelope[], o?: Record<string, unknown>, s?: NodeKey) => report(e, o, s);
    rejects("nope", "malformed");
    rejects({ ...(await r([...honest, liar])), v: 2 }, "malformed");
    rejects(
      await signEnvelope(nodeKeySigner(gateway), { type: messageTypes.failureReport, body: {} }),
      "unexpected-type",
    );
    rejects(await r([...honest, liar], {}, otherGateway), "unknown-gateway");
    rejects({ ...(await r([...honest, liar])), body: { jobId } }, "bad-signature");
    rejects(await r([...honest, liar], { dissenters: "x" }), "invalid-body");
    const failed = await signEnvelope(nodeKeySigner(p3 as NodeKey), {
      type: messageTypes.jobFailed,
      body: { jobId, attempt: 0, error: { name: "x", message: "y" } },
    });
    rejects(await r([...honest, failed]), "evidence-malformed");
    rejects(await r([...honest, await result(p3 as NodeKey, bad, {}, p4)]), "evidence-signature");
    rejects(await r([...honest, { ...liar, ts: liar.ts + 1 }]), "evidence-signature");
    rejects(await r([...honest, await result(p3 as NodeKey, bad, { jobId: "cd".repeat(16) })]), "job-mismatch");
    rejects(
      await r([...honest, await result(p3 as NodeKey, bad, { specHash: hashSpec({ program: "y" }) })]),
      "job-mismatch",
    );
    rejects(
      await r([...honest, await result(p3 as NodeKey, bad, { gateway: otherGateway.publicKey })]),
      "job-mismatch",
    );
    rejects(await r([...honest, await result(p3 as NodeKey, bad, { resourceType: "render" })]), "job-mismatch");
    rejects(await r([...honest, await result(p3 as NodeKey, bad, { deterministic: false })]), "not-deterministic");
    rejects(await r([...honest, await result(p1 as NodeKey, bad)]), "duplicate-provider");
    // 2 of 4 is no majority; a report naming the minority digest is no majority either.
    rejects(
      await r([...honest, liar, await result(p4 as NodeKey, bad)], { dissenters: [p3?.publicKey, p4?.publicKey] }),
      "no-majority",
    );
    rejects(
      await r([...honest, liar], { majorityDigest: bad, dissenters: [p1?.publicKey, p2?.publicKey] }),
      "no-majority",
    );
    rejects(await r([...honest, liar], { dissenters: [p1?.publicKey] }), "dissenters-mismatch");
    rejects(await r([...honest, liar], { dissenters: [p3?.publicKey, p3?.publicKey] }), "dissenters-mismatch");
    rejects(await r(honest, { dissenters: [] }), "dissenters-mismatch");
  });

  it("intake: counts each report once and requires registered dissenters", async () => {
    const intake = createIntake({
      oracle: `0x${"0a".repeat(20)}`,
      guard: createReplayGuard({ windowMs: 60_000 }),
      isRegistered: (key) => key !== (p4 as NodeKey).publicKey,
      gatewayKeys: [gateway.publicKey],
    });
    const envelope = await report([...honest, liar]);
    const unregisteredDissenter = await report([...honest, await result(p4 as NodeKey, bad)], {
      dissenters: [p4?.publicKey],
    });
    const batch = await intake.acceptFraudReports([envelope, JSON.stringify(envelope), unregisteredDissenter, "x"]);
    assert.equal(batch.accepted.length, 1);
    assert.deepEqual(
      batch.rejected.map((r) => r.reason),
      ["replayed", "not-registered", "malformed"],
    );
    assert.equal(intake.stats().acceptedFraudReports, 1);
  });
});
