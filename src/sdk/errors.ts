// The SDK's errors, grouped by what the caller should do: fix the deposit, retry elsewhere, or give up on the job.
// Each names the job and keeps the gateway's or the chain's own error as details or cause.
import { type GroundworkErrorOptions, RemoteError, StateError } from "../core/errors.ts";

/** The gateway could not be reached or answered with an HTTP error or something that is not the protocol. */
export class GatewayError extends RemoteError {
  override name = "GatewayError";
  /** HTTP status; 0 when no answer came back at all. */
  readonly status: number;
  /** The gateway's error body (JSON) when it sent one. */
  readonly body: unknown;

  constructor(message: string, params: { status: number; body?: unknown } & GroundworkErrorOptions) {
    super(message, {
      ...params,
      details: {
        status: params.status,
        ...(params.body === undefined ? {} : { body: params.body }),
        ...params.details,
      },
    });
    this.status = params.status;
    this.body = params.body;
  }
}

/** The gateway refused the job for lack of escrow (HTTP 402): deposit more with `gw account deposit`. */
export class InsufficientDepositError extends StateError {
  override name = "InsufficientDepositError";
  readonly body: unknown;

  constructor(message: string, params: { body?: unknown } & GroundworkErrorOptions = {}) {
    super(message, {
      hint: "Deposit more into escrow (`gw account deposit AMOUNT`) or lower --max-price / --replicas.",
      ...params,
      details: { ...(params.body === undefined ? {} : { body: params.body }), ...params.details },
    });
    this.body = params.body;
  }
}

/** The gateway settled the job as failed (no provider could run it, the work itself failed). Nothing was paid. */
export class JobFailedError extends RemoteError {
  override name = "JobFailedError";
  readonly jobId: string;
  /** The gateway's error, as it sent it. */
  readonly jobError: { name: string; message: string } | undefined;

  constructor(
    jobId: string,
    jobError: { name: string; message: string } | undefined,
    options: GroundworkErrorOptions = {},
  ) {
    super(`job ${jobId} failed${jobError ? `: ${jobError.message}` : ""}`, {
      ...options,
      details: { jobId, ...(jobError ? { error: jobError } : {}), ...options.details },
    });
    this.jobId = jobId;
    this.jobError = jobError;
  }
}

/** No verifiable majority among the results the gateway returned: nobody was paid. */
export class VerificationFailedError extends RemoteError {
  override name = "VerificationFailedError";
  readonly jobId: string;
  /** Why each result was rejected, by index in results ++ dissent. */
  readonly rejected: { index: number; provider: string | undefined; reason: string }[];

  constructor(
    jobId: string,
    message: string,
    params: { rejected: { index: number; provider: string | undefined; reason: string }[] } & GroundworkErrorOptions,
  ) {
    super(`job ${jobId}: ${message}`, {
      hint: "Nothing was paid. Retry the job (perhaps with more --replicas) or use another gateway.",
      ...params,
      details: { jobId, rejected: params.rejected, ...params.details },
    });
    this.jobId = jobId;
    this.rejected = params.rejected;
  }
}
