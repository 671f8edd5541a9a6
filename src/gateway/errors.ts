// The gateway's own errors, grouped by what the caller should do. The HTTP layer maps each to a status code in one
// place (http-api.ts); everything else only throws.
import { InvalidInputError, RemoteError, StateError } from "../core/errors.ts";

/** The customer's escrow deposit does not cover what the job may cost: deposit more, or lower maxPrice. */
export class InsufficientDepositError extends StateError {
  override name = "InsufficientDepositError";
}

/** This jobId was already used: job ids are single-use so a replayed request cannot run (and bill) twice. */
export class DuplicateJobError extends StateError {
  override name = "DuplicateJobError";
}

/** No connected provider can take this work at this price: try later, raise maxPrice, or use another gateway. */
export class NoProvidersError extends RemoteError {
  override name = "NoProvidersError";
}

/**
 * The job needs blobs that came neither with the request nor from this gateway's cache (it restarted or evicted
 * them): send the request again with them. details.missing names them.
 */
export class MissingBlobsError extends InvalidInputError {
  override name = "MissingBlobsError";
}

/** The request body is larger than this gateway accepts. */
export class PayloadTooLargeError extends InvalidInputError {
  override name = "PayloadTooLargeError";
}

/** Why a provider's connection was refused; the close reason the provider sees is `${code}: ${message}`. */
export type AdmissionRejectCode =
  | "bad-hello"
  | "challenge-mismatch"
  | "not-registered"
  | "owner-mismatch"
  | "bad-binding"
  | "inactive"
  | "no-offers"
  | "unknown-type"
  | "invalid-offer"
  | "type-not-registered"
  | "hello-timeout"
  | "protocol";

/** A provider failed admission (or a later registry re-check); the socket is closed with code 4401. */
export class AdmissionRejectedError extends InvalidInputError {
  override name = "AdmissionRejectedError";
  readonly code: AdmissionRejectCode;

  constructor(code: AdmissionRejectCode, message: string, details: Record<string, unknown> = {}) {
    super(message, { details: { code, ...details } });
    this.code = code;
  }
}

/** The WebSocket close code for a refused or dropped provider. */
export const admissionCloseCode = 4401;

/** The node named in a challenge is not connected to this gateway (HTTP 404). */
export class ProviderNotConnectedError extends StateError {
  override name = "ProviderNotConnectedError";
}

/** A challenge request not signed by an oracle of Rewards.oracles() (HTTP 403). */
export class NotAnOracleError extends InvalidInputError {
  override name = "NotAnOracleError";
}
