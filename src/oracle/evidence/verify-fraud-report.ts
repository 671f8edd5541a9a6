// Fraud evidence: a gateway-signed `report.fraud` envelope carrying the providers' own signed `job.result`
// envelopes. It proves fraud only when every piece checks out: the gateway is one the oracle accepts, every result
// is signed by the provider its receipt names, all receipts name the reported job, type, spec and gateway, every
// result is deterministic, a strict majority of distinct providers (⌊n/2⌋+1) shares one digest, and the listed
// dissenters are exactly the providers whose digest differs.
import type { Hex } from "viem";
import {
  canonicalJson,
  type Envelope,
  envelopeSchema,
  fraudReportBody,
  jobResultBody,
  messageTypes,
  type ReplayGuard,
  verifyNodeSignature,
} from "../../protocol/index.ts";
import { EvidenceRejectedError } from "./evidence-error.ts";

export interface VerifiedFraud {
  jobId: string;
  resourceType: string;
  specHash: Hex;
  /** The reporting gateway's key. */
  gateway: Hex;
  /** The report's signed timestamp (ms): which epoch it counts in. */
  reportedAt: number;
  majorityDigest: Hex;
  /** Node keys convicted by this report, sorted. */
  dissenters: Hex[];
  /** Distinct providers whose signed results the report carries. */
  providers: number;
}

export interface VerifyFraudReportOptions {
  /** The gateway keys this oracle accepts reports from. */
  gatewayKeys: ReadonlySet<string> | readonly string[];
  /** Optional: count each report once (reports are pulled long after they are signed, so no freshness check). */
  guard?: ReplayGuard;
}

function signatureValid(envelope: Envelope): boolean {
  if (envelope.from.length !== 66 || envelope.sig.length !== 130) return false;
  const payload = canonicalJson({
    v: envelope.v,
    type: envelope.type,
    from: envelope.from,
    to: envelope.to,
    ts: envelope.ts,
    nonce: envelope.nonce,
    body: envelope.body,
  });
  return verifyNodeSignature(envelope.from as Hex, Buffer.from(payload), envelope.sig as Hex);
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }): string[] {
  return error.issues.slice(0, 5).map((i) => `${i.path.map(String).join(".")}: ${i.message}`);
}

/** Verifies one fraud report (see above). Throws EvidenceRejectedError naming the first check that failed. */
export function verifyFraudReport(raw: unknown, options: VerifyFraudReportOptions): VerifiedFraud {
  const shape = envelopeSchema.safeParse(typeof raw === "string" ? safeJson(raw) : raw);
  if (!shape.success) {
    throw new EvidenceRejectedError("malformed", "malformed message", { issues: issues(shape.error) });
  }
  const envelope = shape.data as Envelope;
  if (envelope.type !== messageTypes.fraudReport) {
    throw new EvidenceRejectedError("unexpected-type", `expected a ${messageTypes.fraudReport} message`, {
      got: envelope.type,
    });
  }
  const accepted = options.gatewayKeys;
  const known = accepted instanceof Set ? accepted.has(envelope.from) : (accepted as string[]).includes(envelope.from);
  if (!known || envelope.from.length !== 66) {
    throw new EvidenceRejectedError("unknown-gateway", "report is not signed by an accepted gateway", {
      from: envelope.from,
    });
  }
  if (!signatureValid(envelope)) {
    throw new EvidenceRejectedError("bad-signature", "signature does not match the sender", { from: envelope.from });
  }
  const parsed = fraudReportBody.safeParse(envelope.body);
  if (!parsed.success) {
    throw new EvidenceRejectedError("invalid-body", "invalid report.fraud body", { issues: issues(parsed.error) });
  }
  const report = parsed.data;
  const gateway = envelope.from as Hex;

  // Each piece of evidence: a job.result signed by the provider its receipt names, about this job.
  const digestOf = new Map<Hex, Hex>(); // provider → digest
  let specHash: Hex | undefined;
  report.evidence.forEach((result, index) => {
    if (result.type !== messageTypes.jobResult) {
      throw new EvidenceRejectedError("evidence-malformed", "evidence is not a job.result", {
        index,
        got: result.type,
      });
    }
    const body = jobResultBody.safeParse(result.body);
    if (!body.success) {
      throw new EvidenceRejectedError("evidence-malformed", "invalid job.result body in the evidence", {
        index,
        issues: issues(body.error),
      });
    }
    const receipt = body.data.receipt;
    if (receipt.provider !== result.from || !signatureValid(result as Envelope)) {
      throw new EvidenceRejectedError("evidence-signature", "evidence is not signed by its receipt's provider", {
        index,
        provider: receipt.provider,
        from: result.from,
      });
    }
    specHash ??= receipt.specHash;
    if (
      receipt.jobId !== report.jobId ||
      receipt.resourceType !== report.resourceType ||
      receipt.gateway !== gateway ||
      receipt.specHash !== specHash
    ) {
      throw new EvidenceRejectedError("job-mismatch", "evidence names another job, type, spec or gateway", {
        index,
        jobId: receipt.jobId,
        resourceType: receipt.resourceType,
        gateway: receipt.gateway,
        specHash: receipt.specHash,
      });
    }
    if (!receipt.deterministic) {
      throw new EvidenceRejectedError(
        "not-deterministic",
        "a result is not deterministic: disagreement proves nothing",
        {
          index,
        },
      );
    }
    if (digestOf.has(receipt.provider)) {
      throw new EvidenceRejectedError("duplicate-provider", "two results from one provider", {
        index,
        provider: receipt.provider,
      });
    }
    digestOf.set(receipt.provider, receipt.resultDigest);
  });

  // The majority: ⌊n/2⌋+1 distinct providers on one digest, the one the report names.
  const votes = new Map<Hex, number>();
  for (const digest of digestOf.values()) votes.set(digest, (votes.get(digest) ?? 0) + 1);
  const needed = Math.floor(digestOf.size / 2) + 1;
  const majority = votes.get(report.majorityDigest) ?? 0;
  if (digestOf.size === 0 || majority < needed) {
    throw new EvidenceRejectedError("no-majority", "the report's digest is not shared by a majority of providers", {
      providers: digestOf.size,
      needed,
      majority,
    });
  }
  const differing = [...digestOf].filter(([, d]) => d !== report.majorityDigest).map(([p]) => p);
  const listed = new Set(report.dissenters);
  if (
    differing.length === 0 ||
    listed.size !== report.dissenters.length ||
    listed.size !== differing.length ||
    !differing.every((p) => listed.has(p))
  ) {
    throw new EvidenceRejectedError("dissenters-mismatch", "dissenters are not exactly the providers that differ", {
      listed: report.dissenters,
      differing,
    });
  }
  if (options.guard && !options.guard.accept(envelope.from, envelope.nonce, envelope.ts)) {
    throw new EvidenceRejectedError("replayed", "report already received", { nonce: envelope.nonce });
  }
  return {
    jobId: report.jobId,
    resourceType: report.resourceType,
    specHash: specHash as Hex,
    gateway,
    reportedAt: envelope.ts,
    majorityDigest: report.majorityDigest,
    dissenters: differing.sort(),
    providers: digestOf.size,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new EvidenceRejectedError("malformed", "malformed message: not JSON", { field: "envelope" });
  }
}
