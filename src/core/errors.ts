// The one error root of Groundwork: a short message, the details that help, a hint for the user, and the cause.
// Subclasses group errors by what the caller should do about them (fix input, retry, give up), not by where they arose.

export type ErrorKind = "input" | "state" | "remote" | "timeout" | "internal";

export interface GroundworkErrorOptions {
  details?: Record<string, unknown>;
  hint?: string;
  cause?: unknown;
}

export class GroundworkError extends Error {
  override name = "GroundworkError";
  readonly kind: ErrorKind = "internal";
  readonly details: Record<string, unknown>;
  readonly hint: string | undefined;

  constructor(message: string, options: GroundworkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? {};
    this.hint = options.hint;
  }

  /** A plain object for `--json` output and logs; never includes stack traces. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? this.cause.message : undefined;
    return {
      error: this.name,
      kind: this.kind,
      message: this.message,
      ...(Object.keys(this.details).length > 0 ? { details: this.details } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(cause ? { cause } : {}),
    };
  }
}

/** The caller gave something invalid: fix the input and try again. Changes nothing. */
export class InvalidInputError extends GroundworkError {
  override name = "InvalidInputError";
  override readonly kind = "input";
}

/** The request is valid but the current state forbids it (already running, not found, locked). */
export class StateError extends GroundworkError {
  override name = "StateError";
  override readonly kind = "state";
}

/** A remote party (RPC node, gateway, provider) failed or answered something invalid: retrying may help. */
export class RemoteError extends GroundworkError {
  override name = "RemoteError";
  override readonly kind = "remote";
}

/** Something took longer than allowed. */
export class TimeoutError extends GroundworkError {
  override name = "TimeoutError";
  override readonly kind = "timeout";
}

/** Exit codes the CLI returns for each kind, so scripts can branch on them. */
export const exitCodeFor: Record<ErrorKind, number> = {
  input: 2,
  state: 3,
  remote: 4,
  timeout: 5,
  internal: 1,
};

/** HTTP statuses for each kind, for every role's API: errors map to status codes in one place. */
export const httpStatusFor = {
  input: 400,
  state: 409,
  remote: 502,
  timeout: 504,
  internal: 500,
} as const satisfies Record<ErrorKind, number>;

export function asGroundworkError(error: unknown): GroundworkError {
  if (error instanceof GroundworkError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GroundworkError(message, { cause: error });
}
