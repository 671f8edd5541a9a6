// A customer's claim that a provider's result failed a recomputation check (POST /v1/claims). The gateway checks the
// claim itself (the same check the oracles run: the provider's signature, the spec and blobs behind its receipt, and
// the recomputed parts that differ), and only then signs a `report.fraud` of method "recompute" for the oracles and
// counts a failure against the provider. A claim that does not hold changes nothing.
import type { Hex } from "viem";
import { InvalidInputError } from "../core/errors.ts";
import { EvidenceRejectedError, proveRecomputeFraud } from "../oracle/evidence/index.ts";
import {
  fraudClaimBody,
  type MessageSigner,
  messageTypes,
  openEnvelope,
  type ReplayGuard,
  signEnvelope,
} from "../protocol/index.ts";
import type { GatewayStore } from "./gateway-store.ts";

export interface FraudClaimContext {
  signer: MessageSigner;
  guard: ReplayGuard;
  store: Pick<GatewayStore, "appendReport">;
  now: () => number;
  /** Called for a proven claim: the provider's reputation takes the failure. */
  onConvicted(provider: Hex): void;
}

export interface FraudClaimAnswer {
  reported: true;
  provider: Hex;
  jobId: string;
  /** The report's sequence number in GET /v1/reports. */
  seq: number;
}

export async function acceptFraudClaim(raw: unknown, context: FraudClaimContext): Promise<FraudClaimAnswer> {
  const envelope = await openEnvelope(raw, {
    type: messageTypes.fraudClaim,
    body: fraudClaimBody,
    guard: context.guard,
    recipient: context.signer.id,
    now: context.now,
  });
  const claim = envelope.body;
  let proven: Awaited<ReturnType<typeof proveRecomputeFraud>>;
  try {
    proven = await proveRecomputeFraud(claim, context.signer.id);
  } catch (error) {
    if (error instanceof EvidenceRejectedError) {
      throw new InvalidInputError(`the claim does not hold: ${error.message}`, {
        details: { reason: error.reason },
        hint: "A claim carries the provider's signed job.result, its spec and blobs, and pixels that differ.",
      });
    }
    throw error;
  }
  // Only the customer who paid for the work may claim against it: nobody else's word is asked for.
  if (proven.customer !== envelope.from.toLowerCase()) {
    throw new InvalidInputError("only the job's customer can claim against its result", {
      details: { customer: proven.customer, from: envelope.from },
    });
  }
  const report = await signEnvelope(
    context.signer,
    {
      type: messageTypes.fraudReport,
      body: {
        method: "recompute",
        jobId: proven.jobId,
        resourceType: proven.resourceType,
        dissenters: [proven.provider],
        evidence: [claim.result],
        spec: claim.spec,
        blobs: claim.blobs,
        claim: claim.claim,
      },
    },
    context.now,
  );
  const stored = await context.store.appendReport("fraud", report);
  context.onConvicted(proven.provider);
  return { reported: true, provider: proven.provider, jobId: proven.jobId, seq: stored.seq };
}
