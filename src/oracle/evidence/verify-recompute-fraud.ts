// Fraud proven by recomputation: one provider's signed job.result, the spec and blobs it was for, and a claim naming
// parts of the output; the verifier recomputes just those parts with the resource type's own code and finds them
// different. No replica majority is needed: the provider's signature binds it to the output, the spec hash binds the
// output to the work, and determinism makes the recomputed bytes the only right ones. Gateways check a customer's
// claim with proveRecomputeFraud before they sign a report of it; oracles check the signed report again.
import type { Hex } from "viem";
import {
  canonicalJson,
  type Envelope,
  envelopeSchema,
  hashSpec,
  jobResultBody,
  messageTypes,
  recomputeFraudReportBody,
  sha256Hex,
  verifyNodeSignature,
} from "../../protocol/index.ts";
import { getResourceType } from "../../resources/index.ts";
import { EvidenceRejectedError } from "./evidence-error.ts";
import { type VerifiedFraud, type VerifyFraudReportOptions, verifyFraudReport } from "./verify-fraud-report.ts";

export interface RecomputeEvidence {
  /** The provider's signed job.result. */
  result: unknown;
  spec: unknown;
  /** hash → base64, as in a job request. */
  blobs: Record<string, string>;
  claim: unknown;
}

export interface ProvenRecomputeFraud {
  jobId: string;
  resourceType: string;
  specHash: Hex;
  provider: Hex;
  customer: Hex;
  resultDigest: Hex;
}

function nodeSignatureValid(envelope: Envelope): boolean {
  if (envelope.from.length !== 66 || envelope.sig.length !== 130) return false;
  const { v, type, from, to, ts, nonce, body } = envelope;
  const payload = canonicalJson({ v, type, from, to, ts, nonce, body });
  return verifyNodeSignature(envelope.from as Hex, Buffer.from(payload), envelope.sig as Hex);
}

/**
 * Checks recompute evidence against `gateway` (the receipt must name it). Throws EvidenceRejectedError naming the
 * first check that failed; resolves with the convicted provider when the claim holds.
 */
export async function proveRecomputeFraud(evidence: RecomputeEvidence, gateway: Hex): Promise<ProvenRecomputeFraud> {
  const shape = envelopeSchema.safeParse(evidence.result);
  if (!shape.success || shape.data.type !== messageTypes.jobResult) {
    throw new EvidenceRejectedError("evidence-malformed", "the evidence is not a job.result envelope");
  }
  const result = shape.data as Envelope;
  const body = jobResultBody.safeParse(result.body);
  if (!body.success) throw new EvidenceRejectedError("evidence-malformed", "invalid job.result body in the evidence");
  const { receipt } = body.data;
  if (receipt.provider !== result.from || !nodeSignatureValid(result)) {
    throw new EvidenceRejectedError("evidence-signature", "evidence is not signed by its receipt's provider", {
      provider: receipt.provider,
      from: result.from,
    });
  }
  if (receipt.gateway !== gateway) {
    throw new EvidenceRejectedError("job-mismatch", "the receipt names another gateway", { gateway: receipt.gateway });
  }
  if (!receipt.deterministic) {
    throw new EvidenceRejectedError("not-deterministic", "the result is not deterministic: recomputing proves nothing");
  }
  const type = getResourceType(receipt.resourceType);
  if (!type?.recompute) {
    throw new EvidenceRejectedError("not-recomputable", "this resource type cannot be checked by recomputation", {
      resourceType: receipt.resourceType,
    });
  }
  if (hashSpec(evidence.spec) !== receipt.specHash) {
    throw new EvidenceRejectedError("spec-mismatch", "the spec does not hash to the receipt's specHash");
  }
  const spec = type.specSchema.safeParse(evidence.spec);
  if (!spec.success) throw new EvidenceRejectedError("spec-mismatch", `not a valid ${type.name} spec`);
  const blobs = new Map<Hex, Uint8Array>();
  for (const hash of type.blobsOf(spec.data)) {
    const encoded = evidence.blobs[hash];
    const bytes = encoded === undefined ? undefined : new Uint8Array(Buffer.from(encoded, "base64"));
    if (!bytes || sha256Hex(bytes) !== hash) {
      throw new EvidenceRejectedError("spec-mismatch", "a blob the spec needs is missing or does not hash to its key", {
        hash,
      });
    }
    blobs.set(hash, bytes);
  }
  const output = new Uint8Array(Buffer.from(body.data.output, "base64"));
  if (sha256Hex(output) !== receipt.outputHash) {
    throw new EvidenceRejectedError("evidence-malformed", "the output does not hash to the receipt's outputHash");
  }
  let refuted: boolean;
  try {
    refuted = await type.recompute.refute({ spec: spec.data, blobs, output }, evidence.claim);
  } catch (error) {
    throw new EvidenceRejectedError("claim-not-proven", `recomputing the claim failed: ${(error as Error).message}`);
  }
  if (!refuted) {
    throw new EvidenceRejectedError("claim-not-proven", "the recomputed parts match the provider's output");
  }
  return {
    jobId: receipt.jobId,
    resourceType: receipt.resourceType,
    specHash: receipt.specHash,
    provider: receipt.provider,
    customer: receipt.customer,
    resultDigest: receipt.resultDigest,
  };
}

/** Verifies a gateway-signed `report.fraud` of method "recompute" (see above), as verifyFraudReport does majorities. */
export async function verifyRecomputeFraudReport(
  raw: unknown,
  options: VerifyFraudReportOptions,
): Promise<VerifiedFraud> {
  const shape = envelopeSchema.safeParse(raw);
  if (!shape.success) throw new EvidenceRejectedError("malformed", "malformed message");
  const envelope = shape.data as Envelope;
  if (envelope.type !== messageTypes.fraudReport) {
    throw new EvidenceRejectedError("unexpected-type", `expected a ${messageTypes.fraudReport} message`);
  }
  const accepted = options.gatewayKeys;
  const known = accepted instanceof Set ? accepted.has(envelope.from) : (accepted as string[]).includes(envelope.from);
  if (!known) {
    throw new EvidenceRejectedError("unknown-gateway", "report is not signed by an accepted gateway", {
      from: envelope.from,
    });
  }
  if (!nodeSignatureValid(envelope)) {
    throw new EvidenceRejectedError("bad-signature", "signature does not match the sender", { from: envelope.from });
  }
  const parsed = recomputeFraudReportBody.safeParse(envelope.body);
  if (!parsed.success) throw new EvidenceRejectedError("invalid-body", "invalid recompute report.fraud body");
  const report = parsed.data;
  const proven = await proveRecomputeFraud(
    { result: report.evidence[0], spec: report.spec, blobs: report.blobs, claim: report.claim },
    envelope.from as Hex,
  );
  if (proven.jobId !== report.jobId || proven.resourceType !== report.resourceType) {
    throw new EvidenceRejectedError("job-mismatch", "the evidence names another job or resource type");
  }
  if (report.dissenters[0] !== proven.provider) {
    throw new EvidenceRejectedError("dissenters-mismatch", "the report convicts another provider than the evidence's");
  }
  if (options.guard && !options.guard.accept(envelope.from, envelope.nonce, envelope.ts)) {
    throw new EvidenceRejectedError("replayed", "report already received", { nonce: envelope.nonce });
  }
  return {
    jobId: report.jobId,
    resourceType: report.resourceType,
    specHash: proven.specHash,
    gateway: envelope.from as Hex,
    reportedAt: envelope.ts,
    majorityDigest: proven.resultDigest,
    dissenters: [proven.provider],
    providers: 1,
  };
}

/** Any fraud report, either method: by a signed replica majority (sync) or by recomputation (async). */
export async function verifyAnyFraudReport(raw: unknown, options: VerifyFraudReportOptions): Promise<VerifiedFraud> {
  const parsed = typeof raw === "string" ? safeJson(raw) : raw;
  const method = (parsed as { body?: { method?: unknown } } | null)?.body?.method;
  if (method === "recompute") return verifyRecomputeFraudReport(parsed, options);
  return verifyFraudReport(parsed, options);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new EvidenceRejectedError("malformed", "malformed message: not JSON", { field: "envelope" });
  }
}
