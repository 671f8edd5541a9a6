// Why a piece of evidence was not counted. Every verifier throws this one class, its `reason` naming the check
// that failed, so the intake can count rejections by reason and an oracle can answer a bad bundle with it.
import { InvalidInputError } from "../../core/errors.ts";
import type { RejectReason } from "../../protocol/index.ts";

export type EvidenceRejectReason =
  | RejectReason
  /** A pong names another oracle, or is addressed to one. */
  | "wrong-oracle"
  /** A pong answers no challenge this oracle has outstanding. */
  | "unknown-challenge"
  /** The signer's node key is not registered (with a valid binding). */
  | "not-registered"
  /** A report is signed by a key that is not an accepted gateway. */
  | "unknown-gateway"
  /** A fraud report's evidence envelope is not a job.result, or its body does not parse. */
  | "evidence-malformed"
  /** An evidence envelope's signature fails, or its signer is not the receipt's provider. */
  | "evidence-signature"
  /** Receipts name another job, resource type, spec or gateway than the report. */
  | "job-mismatch"
  /** Two evidence envelopes come from one provider. */
  | "duplicate-provider"
  /** A result is not deterministic: disagreement proves nothing. */
  | "not-deterministic"
  /** No digest is shared by ⌊n/2⌋+1 distinct providers, or the report names another majority digest. */
  | "no-majority"
  /** The listed dissenters are not exactly the providers whose digest differs, or there are none. */
  | "dissenters-mismatch"
  /** A recompute report names a resource type whose results cannot be checked by recomputation. */
  | "not-recomputable"
  /** A recompute report's spec does not hash to the receipt's specHash, or a blob not to its key. */
  | "spec-mismatch"
  /** Recomputing the parts a claim names gives the same bytes as the provider's output: no fraud shown. */
  | "claim-not-proven";

export class EvidenceRejectedError extends InvalidInputError {
  override name = "EvidenceRejectedError";
  readonly reason: EvidenceRejectReason;

  constructor(reason: EvidenceRejectReason, message: string, details: Record<string, unknown> = {}) {
    super(message, { details: { reason, ...details } });
    this.reason = reason;
  }
}
