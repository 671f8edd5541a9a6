// The ways a sandboxed WASI job can fail, grouped by what the caller should do: fix the job (bad module, trap, a
// limit hit), raise the limit or give up (timeout), or retry elsewhere (the worker itself died).
import { GroundworkError, type GroundworkErrorOptions, InvalidInputError, TimeoutError } from "../../../core/errors.ts";

/** What a job wrote and used before it failed; kept so requesters can debug and providers can meter failed work. */
export interface PartialJobOutput {
  stdout: Uint8Array;
  stderr: Uint8Array;
  metering: JobMetering;
}

export interface JobMetering {
  /** Compile + instantiate + run, measured inside the worker. */
  wallMs: number;
  /** The part of wallMs spent compiling the module (0 for a precompiled SandboxModule). */
  compileMs: number;
  /** Linear memory size at the end of the run; wasm memory never shrinks, so this is the peak. */
  memoryPeakBytes: number;
  /** WASI calls the job made that the sandbox refused (path_open, sock_send...), each name once, first use first. */
  refusedCapabilities: string[];
  /** random_get was called: the output may differ between runs, so re-execution cannot verify it byte for byte. */
  usedRandomness: boolean;
  /** A clock or a sleep was used: like randomness, the output may depend on when it ran. */
  usedClock: boolean;
}

export interface SandboxErrorOptions extends GroundworkErrorOptions {
  partial?: PartialJobOutput;
}

/** The module is not something we run: not wasm, a component, no `_start`, or imports we do not provide. */
export class SandboxInvalidModuleError extends InvalidInputError {
  override name = "SandboxInvalidModuleError";
}

/** The program trapped (unreachable, out-of-bounds access, divide by zero, stack exhausted...). */
export class SandboxTrapError extends InvalidInputError {
  override name = "SandboxTrapError";
  readonly partial: PartialJobOutput | undefined;
  constructor(message: string, options: SandboxErrorOptions = {}) {
    super(message, options);
    this.partial = options.partial;
  }
}

/** The job hit one of its resource limits; rerunning it with the same limits fails the same way. */
export class SandboxLimitError extends InvalidInputError {
  override name = "SandboxLimitError";
  readonly partial: PartialJobOutput | undefined;
  constructor(message: string, options: SandboxErrorOptions = {}) {
    super(message, options);
    this.partial = options.partial;
  }
}

/** The job needs more linear memory than its cap (at start, or it trapped after memory.grow hit the cap). */
export class SandboxMemoryLimitError extends SandboxLimitError {
  override name = "SandboxMemoryLimitError";
}

/** stdout + stderr together passed the output cap; `partial` holds the output truncated exactly at the cap. */
export class SandboxOutputLimitError extends SandboxLimitError {
  override name = "SandboxOutputLimitError";
}

/** The job ran past its wall-clock limit and its worker was terminated. */
export class SandboxTimeoutError extends TimeoutError {
  override name = "SandboxTimeoutError";
}

/** The worker running the job died or misbehaved for a reason that is not the job's limits: retrying may help. */
export class SandboxWorkerError extends GroundworkError {
  override name = "SandboxWorkerError";
}
