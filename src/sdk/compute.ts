// Compute jobs (WASI) through the generic runJob: builds the compute spec and its blobs, and decodes the exit code,
// stdout and stderr from the verified result. The only SDK file that knows a resource type.

import { sha256Hex } from "../protocol/index.ts";
import { type ComputeSpec, defaultComputeLimits } from "../resources/compute/index.ts";
import type { GroundworkClient } from "./client.ts";
import type { JobProgressEvent, RunJobResult } from "./run-job.ts";

export interface RunComputeParams {
  /** The WASI preview1 module (exports `_start`). */
  module: Uint8Array;
  /** The job's stdin. */
  input: Uint8Array;
  args: string[];
  replicas: number;
  /** The most one replica may cost, in token base units. */
  maxPrice: bigint;
  timeoutMs: number;
  /** Overrides of the default limits; the wall-clock limit defaults to the timeout (at most a minute). */
  limits?: Partial<ComputeSpec["limits"]>;
  onProgress?: (event: JobProgressEvent) => void;
  /** When the providers are paid: see RunJobParams.payment (default "background"). */
  payment?: "background" | "await";
}

export interface RunComputeResult extends RunJobResult {
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Set when the program trapped or hit a limit (exit code 134). */
  error?: string;
}

export async function runCompute(client: GroundworkClient, params: RunComputeParams): Promise<RunComputeResult> {
  const moduleHash = sha256Hex(params.module);
  const inputHash = sha256Hex(params.input);
  const spec: ComputeSpec = {
    module: moduleHash,
    input: inputHash,
    args: params.args,
    limits: {
      ...defaultComputeLimits,
      wallMs: Math.min(defaultComputeLimits.wallMs, params.timeoutMs),
      ...params.limits,
    },
  };
  const result = await client.runJob({
    resourceType: "compute",
    spec,
    blobs: new Map([
      [moduleHash, params.module],
      [inputHash, params.input],
    ]),
    replicas: params.replicas,
    maxPrice: params.maxPrice,
    timeoutMs: params.timeoutMs,
    ...(params.onProgress ? { onProgress: params.onProgress } : {}),
    ...(params.payment ? { payment: params.payment } : {}),
  });
  const { exitCode, stderr, error } = result.outcome;
  return {
    ...result,
    exitCode: typeof exitCode === "number" ? exitCode : Number(exitCode ?? 0),
    stdout: result.output,
    stderr: new Uint8Array(Buffer.from(typeof stderr === "string" ? stderr : "", "base64")),
    ...(typeof error === "string" ? { error } : {}),
  };
}
