// The bodies of every message between customer, gateway and provider. Each travels in a signed envelope
// (envelope.ts); these schemas check the body once the signature has been. Amounts are decimal strings of token
// base units; bytes are base64; hashes are sha256 as 0x-hex.
import type { Hex } from "viem";
import { z } from "zod";
import { envelopeSchema } from "./envelope.ts";

export const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "0x + 64 lower-case hex") as unknown as z.ZodType<Hex>;
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "an address")
  .transform((s) => s.toLowerCase() as Hex);
export const amountSchema = z.string().regex(/^\d{1,78}$/, "an integer amount of token base units");
export const base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64");
export const jobIdSchema = z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits");
export const resourceTypeName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);

export const messageTypes = {
  gatewayChallenge: "gateway.challenge",
  providerHello: "provider.hello",
  gatewayWelcome: "gateway.welcome",
  jobAssign: "job.assign",
  jobCancel: "job.cancel",
  jobResult: "job.result",
  jobFailed: "job.failed",
  voucherDeliver: "voucher.deliver",
  jobRequest: "job.request",
  voucherSubmit: "voucher.submit",
  fraudReport: "report.fraud",
  fraudClaim: "claim.fraud",
  failureReport: "report.failure",
  challengeRequest: "challenge.request",
  challengePing: "challenge.ping",
  challengePong: "challenge.pong",
} as const;

// ---------------------------------------------------------------- provider ⇄ gateway (WebSocket)

/** Gateway → provider, first frame after connect: prove you hold the node key by signing this challenge. */
export const gatewayChallengeBody = z.object({
  challenge: hex32,
  gateway: hex32,
  chainId: z.number().int().positive(),
  registry: addressSchema,
});

/** Provider → gateway: who I am (node key = envelope sender), who gets paid, what I offer. */
export const providerHelloBody = z.object({
  challenge: hex32,
  owner: addressSchema,
  offers: z.record(resourceTypeName, z.unknown()),
  capacity: z.number().int().min(1).max(1024),
  version: z.string().max(64),
  /** Blob hashes already cached, so the gateway does not resend them. */
  cached: z.array(hex32).max(10_000).default([]),
});

export const gatewayWelcomeBody = z.object({ session: z.string().max(64) });

/** Gateway → provider: run this. `request` is the customer's own signed job.request, so the provider can check who pays. */
export const jobAssignBody = z.object({
  jobId: jobIdSchema,
  attempt: z.number().int().min(0).max(1000),
  request: envelopeSchema,
  /** Blobs the provider has not got yet (hash → base64). */
  blobs: z.record(z.string(), base64Schema),
  deadline: z.number().int().positive(),
});

export const jobCancelBody = z.object({ jobId: jobIdSchema, attempt: z.number().int().min(0) });

/** The signed statement of work done: the fraud evidence if it turns out wrong. */
export const receiptSchema = z.object({
  jobId: jobIdSchema,
  attempt: z.number().int().min(0),
  customer: addressSchema,
  gateway: hex32,
  provider: hex32,
  owner: addressSchema,
  resourceType: resourceTypeName,
  /** sha256 of the canonical JSON of the spec the customer signed. */
  specHash: hex32,
  outputHash: hex32,
  resultDigest: hex32,
  deterministic: z.boolean(),
  price: amountSchema,
  metering: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.array(z.string())])),
  startedAt: z.number().int(),
  finishedAt: z.number().int(),
});
export type Receipt = z.infer<typeof receiptSchema>;

export const jobResultBody = z.object({
  receipt: receiptSchema,
  output: base64Schema,
  outcome: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
});

export const jobFailedBody = z.object({
  jobId: jobIdSchema,
  attempt: z.number().int().min(0),
  error: z.object({ name: z.string().max(100), message: z.string().max(2000) }),
});

export const voucherSchema = z.object({
  customer: addressSchema,
  provider: addressSchema,
  cumulativeAmount: amountSchema,
});
export const signedVoucherSchema = z.object({
  voucher: voucherSchema,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/),
});
export type SignedVoucher = z.infer<typeof signedVoucherSchema>;

/** Gateway → provider: a voucher its customer signed (the customer's EIP-712 signature is the authority). */
export const voucherDeliverBody = z.object({ vouchers: z.array(signedVoucherSchema).min(1).max(1000) });

// ---------------------------------------------------------------- customer → gateway (HTTP)

export const jobRequestBody = z.object({
  jobId: jobIdSchema,
  resourceType: resourceTypeName,
  spec: z.unknown(),
  /** Inline inputs (hash → base64); each must hash to its key. */
  blobs: z.record(z.string(), base64Schema),
  /** 1 = audit policy (a governed share is silently re-run elsewhere); K ≥ 2 = K agreeing replicas. */
  replicas: z.number().int().min(1).max(9),
  maxPrice: amountSchema,
  timeoutMs: z.number().int().min(100).max(3_600_000),
  /** Node keys not to assign this job to (providers this customer caught cheating on the same work). */
  exclude: z.array(hex32).max(64).optional(),
});
export type JobRequestBody = z.infer<typeof jobRequestBody>;

export const voucherSubmitBody = z.object({ vouchers: z.array(signedVoucherSchema).min(1).max(1000) });

// ---------------------------------------------------------------- gateway reports (kept for the oracles)

export const fraudReportBody = z.object({
  jobId: jobIdSchema,
  resourceType: resourceTypeName,
  majorityDigest: hex32,
  /** Node keys whose signed results disagreed with the majority. */
  dissenters: z.array(hex32),
  /** The signed job.result envelopes, majority and dissent alike. */
  evidence: z.array(envelopeSchema),
});

/**
 * A fraud report proven by recomputation, for types whose results can be checked part by part (render): the
 * provider's own signed job.result, the spec and blobs it was for (the spec hashes to the receipt's specHash, each
 * blob to its key), and the claim naming the parts that differ. Anyone can recompute those parts and see.
 */
export const recomputeFraudReportBody = z.object({
  method: z.literal("recompute"),
  jobId: jobIdSchema,
  resourceType: resourceTypeName,
  /** The one provider convicted: the signer of the evidence. */
  dissenters: z.array(hex32).length(1),
  evidence: z.array(envelopeSchema).length(1),
  spec: z.unknown(),
  blobs: z.record(z.string(), base64Schema),
  claim: z.unknown(),
});

/** Customer → gateway (HTTP `POST /v1/claims`): this result of my job failed a recomputation check. */
export const fraudClaimBody = z.object({
  result: envelopeSchema,
  spec: z.unknown(),
  blobs: z.record(z.string(), base64Schema),
  claim: z.unknown(),
});

export const failureReportBody = z.object({
  jobId: jobIdSchema,
  attempt: z.number().int().min(0),
  provider: hex32,
  kind: z.enum(["timeout", "disconnected", "error", "invalid-result"]),
  detail: z.string().max(2000),
});

// ---------------------------------------------------------------- oracle liveness challenges (via the gateway)

/**
 * Oracle → provider (relayed by the gateway over the provider's socket), signed by the oracle's wallet, `to` = the
 * node key: answer this nonce now.
 */
export const challengePingBody = z.object({ nonce: hex32, oracle: addressSchema, nodeKey: hex32 });

/** Oracle → gateway (HTTP `POST /v1/challenges`): challenge this node now. */
export const challengeRequestBody = z.object({ nodeKey: hex32, nonce: hex32 });

/**
 * Provider → oracle, signed by the challenged node key, `to` = the oracle's address: the ping's nonce and the oracle
 * it names. No other fields: the oracle's intake checks this shape exactly.
 */
export const challengePongBody = z.strictObject({ nonce: hex32, oracle: addressSchema });
