// Runs one WASI job in a fresh worker thread under memory, wall-clock and output limits, and returns its exit code,
// output and metering; for many jobs, a sandbox pool reuses warm workers instead (see sandbox-pool.ts).
import { InvalidInputError } from "../../../core/errors.ts";
import type { SandboxModule } from "./compile-module.ts";
import type { JobMetering } from "./errors.ts";
import type { JobLimits, JobRequest } from "./execute-job.ts";
import { capPagesFor } from "./memory-cap.ts";
import { JobWorkerHandle } from "./worker-handle.ts";

/** argv[0] of every job: callers pass only the arguments, as on a command line. */
export const jobProgramName = "job.wasm";

export interface WasiJob {
  /** The module's bytes, or one compiled ahead with compileSandboxModule to skip compiling on every run. */
  module: Uint8Array | SandboxModule;
  /** Arguments after the program name (argv[1..]). */
  args: string[];
  stdin: Uint8Array;
  limits: JobLimits;
  /** Environment variables; none unless given. */
  env?: Record<string, string>;
}

export interface WasiJobResult {
  /** The code passed to proc_exit, 0 if `_start` returned. A non-zero code is a result, not an error. */
  exitCode: number;
  /** A view of the bytes written; its ArrayBuffer may be larger (it came from the worker without a copy). */
  stdout: Uint8Array;
  stderr: Uint8Array;
  metering: JobMetering;
}

/** setTimeout cannot wait longer than this. */
const maxWallMs = 2 ** 31 - 1;

function invalidJob(message: string, details: Record<string, unknown> = {}): InvalidInputError {
  return new InvalidInputError(`invalid job: ${message}`, { details });
}

/** Checks a job and turns it into what the worker runs; throws InvalidInputError before any worker is involved. */
export function toJobRequest(job: WasiJob): JobRequest {
  const { memoryBytes, wallMs, outputBytes } = job.limits ?? {};
  if (!Number.isSafeInteger(memoryBytes) || memoryBytes < 0) throw invalidJob("memoryBytes must be a whole number ≥ 0");
  if (!Number.isFinite(wallMs) || wallMs <= 0 || wallMs > maxWallMs) {
    throw invalidJob(`wallMs must be a number in (0, ${maxWallMs}]`);
  }
  if (!Number.isSafeInteger(outputBytes) || outputBytes < 0) throw invalidJob("outputBytes must be a whole number ≥ 0");
  if (!(job.stdin instanceof Uint8Array)) throw invalidJob("stdin must be a Uint8Array");
  if (!Array.isArray(job.args) || job.args.some((a) => typeof a !== "string" || a.includes("\0"))) {
    throw invalidJob("args must be strings without NUL characters");
  }
  const env = Object.entries(job.env ?? {});
  for (const [key, value] of env) {
    if (key === "" || key.includes("=") || key.includes("\0") || typeof value !== "string" || value.includes("\0")) {
      throw invalidJob("env keys must be non-empty without '=' or NUL, and values strings without NUL", { key });
    }
  }
  const module = job.module;
  if (!(module instanceof Uint8Array)) {
    if (module?.kind !== "sandbox-module") throw invalidJob("module must be a Uint8Array or a SandboxModule");
    // The cap was baked in at compile time; a job may not loosen it, only run a module capped tighter.
    if (module.capPages > capPagesFor(memoryBytes)) {
      throw invalidJob("the precompiled module's memory cap is above the job's memoryBytes", {
        capPages: module.capPages,
        jobCapPages: capPagesFor(memoryBytes),
      });
    }
  }
  return {
    module,
    argv: [jobProgramName, ...job.args],
    env: env.map(([key, value]) => `${key}=${value}`),
    stdin: job.stdin,
    limits: { memoryBytes, wallMs, outputBytes },
  };
}

/**
 * Runs `job` in a worker of its own, started for it and terminated after it. The worker's start-up (tens to hundreds
 * of milliseconds) is not counted against `limits.wallMs`; the compile is.
 */
export async function runWasiJob(job: WasiJob): Promise<WasiJobResult> {
  const request = toJobRequest(job);
  const worker = new JobWorkerHandle();
  try {
    await worker.ready;
    return await worker.run(request);
  } finally {
    void worker.terminate();
  }
}
