// The customer's own verdict on a job: which returned results are genuine, and which of those agree. Trusts nothing
// the gateway says about them (its grouping into results and dissent, its digest): every result is checked from its
// signature down to the resource type's digest and the node key's registration on chain, then the majority is
// counted here. Only what this returns as `accepted` is ever paid.
import type { Hex } from "viem";
import type { RegisteredProvider } from "../chain/index.ts";
import {
  type Envelope,
  envelopeSchema,
  jobResultBody,
  messageTypes,
  type Receipt,
  sha256Hex,
  verifyEnvelopeSignature,
} from "../protocol/index.ts";
import type { AnyResourceType } from "../resources/index.ts";
import { VerificationFailedError } from "./errors.ts";

export type Verification = "replicas" | "audit" | "single" | "inconclusive";

export interface VerifiedResult {
  envelope: Envelope;
  receipt: Receipt;
  output: Uint8Array;
  outcome: Record<string, number | string | boolean>;
}

export interface RejectedResult {
  index: number;
  provider: string | undefined;
  reason: string;
}

export interface JobVerdict {
  /** The agreeing results: these, and only these, get paid. */
  accepted: VerifiedResult[];
  /** Genuine (signed, registered) results whose digest disagrees with the accepted one. */
  dissenters: VerifiedResult[];
  /** Results that failed a check, with the reason. */
  rejected: RejectedResult[];
  resultDigest: Hex;
  verification: Verification;
}

export interface VerifyJobParams {
  request: {
    jobId: string;
    customer: Hex;
    gateway: Hex;
    resourceType: string;
    specHash: Hex;
    replicas: number;
  };
  resourceType: AnyResourceType;
  /** Every result envelope the gateway returned, agreeing or not. */
  envelopes: unknown[];
  audited: boolean;
  getProvider(nodeKey: Hex): Promise<RegisteredProvider | undefined>;
}

class Rejection extends Error {}

async function verifyOne(raw: unknown, params: VerifyJobParams): Promise<VerifiedResult> {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) throw new Rejection("malformed envelope");
  const envelope = parsed.data as Envelope;
  if (envelope.type !== messageTypes.jobResult) throw new Rejection(`not a ${messageTypes.jobResult}`);
  if (!(await verifyEnvelopeSignature(envelope))) throw new Rejection("bad signature");
  const body = jobResultBody.safeParse(envelope.body);
  if (!body.success) throw new Rejection("invalid job.result body");
  const { receipt, outcome } = body.data;
  const { request } = params;
  if (envelope.from !== receipt.provider) throw new Rejection("signed by another key than the receipt's provider");
  if (receipt.jobId !== request.jobId) throw new Rejection("receipt for another job");
  if (receipt.customer !== request.customer.toLowerCase()) throw new Rejection("receipt for another customer");
  if (receipt.gateway !== request.gateway) throw new Rejection("receipt names another gateway");
  if (receipt.resourceType !== request.resourceType) throw new Rejection("receipt for another resource type");
  if (receipt.specHash !== request.specHash) throw new Rejection("receipt for another spec");
  const output = new Uint8Array(Buffer.from(body.data.output, "base64"));
  if (sha256Hex(output) !== receipt.outputHash) throw new Rejection("output does not match the receipt's outputHash");
  const work = { output, outcome, metering: receipt.metering };
  let digest: Hex;
  try {
    digest = params.resourceType.resultDigest(work);
  } catch {
    throw new Rejection("the resource type cannot digest this result");
  }
  if (digest !== receipt.resultDigest) throw new Rejection("resultDigest does not match the output");
  if (params.resourceType.deterministic(work) !== receipt.deterministic) {
    throw new Rejection("receipt's deterministic flag contradicts its metering");
  }
  let registered: RegisteredProvider | undefined;
  try {
    registered = await params.getProvider(receipt.provider);
  } catch {
    throw new Rejection("could not read the node key's registration from the chain");
  }
  if (!registered) throw new Rejection("node key not registered on chain");
  if (registered.owner.toLowerCase() !== receipt.owner) throw new Rejection("node key registered to another owner");
  if (!registered.bindingValid) throw new Rejection("node key's on-chain binding signature is invalid");
  return { envelope, receipt, output, outcome };
}

/** Checks every result and counts the majority; throws VerificationFailedError when no verifiable majority. */
export async function verifyJobResults(params: VerifyJobParams): Promise<JobVerdict> {
  const rejected: RejectedResult[] = [];
  const verified: VerifiedResult[] = [];
  const seen = new Set<string>();
  const checks = await Promise.allSettled(params.envelopes.map((raw) => verifyOne(raw, params)));
  checks.forEach((check, index) => {
    const raw = params.envelopes[index] as { from?: unknown } | undefined;
    const provider = typeof raw?.from === "string" ? raw.from : undefined;
    if (check.status === "rejected") {
      const reason = check.reason instanceof Rejection ? check.reason.message : String(check.reason);
      rejected.push({ index, provider, reason });
      return;
    }
    // One node key counts once, however many of its results came back.
    if (seen.has(check.value.receipt.provider)) {
      rejected.push({ index, provider, reason: "duplicate result from the same node key" });
      return;
    }
    seen.add(check.value.receipt.provider);
    verified.push(check.value);
  });
  const { jobId, replicas } = params.request;
  const deterministic = verified.filter((r) => r.receipt.deterministic);
  if (deterministic.length === 0) {
    const [first] = verified;
    if (!first) throw new VerificationFailedError(jobId, "no result could be verified", { rejected });
    // Work that depended on time or randomness cannot be compared: accept it as done, without a verdict on it.
    return {
      accepted: verified,
      dissenters: [],
      rejected,
      resultDigest: first.receipt.resultDigest,
      verification: "inconclusive",
    };
  }
  const groups = new Map<Hex, VerifiedResult[]>();
  for (const result of deterministic) {
    const group = groups.get(result.receipt.resultDigest) ?? [];
    group.push(result);
    groups.set(result.receipt.resultDigest, group);
  }
  const ranked = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  const [winnerDigest, winners] = ranked[0] as [Hex, VerifiedResult[]];
  const runnerUp = ranked[1]?.[1].length ?? 0;
  // K ≥ 2: ⌊K/2⌋+1 of the requested replicas must agree. K = 1: a majority of what came back (an audited job's
  // two results must both agree; a single result stands alone).
  const needed = replicas >= 2 ? Math.floor(replicas / 2) + 1 : Math.floor(deterministic.length / 2) + 1;
  if (winners.length < needed || winners.length === runnerUp) {
    throw new VerificationFailedError(
      jobId,
      `no verifiable majority: ${winners.length} of ${deterministic.length} verified results agree, ${needed} needed`,
      { rejected, details: { digests: ranked.map(([digest, group]) => ({ digest, count: group.length })) } },
    );
  }
  const dissenters = deterministic.filter((r) => r.receipt.resultDigest !== winnerDigest);
  const verification: Verification = replicas >= 2 ? "replicas" : winners.length >= 2 ? "audit" : "single";
  return { accepted: winners, dissenters, rejected, resultDigest: winnerDigest, verification };
}
