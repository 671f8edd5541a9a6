// Compute as a resource type: a WASI preview1 job (module + stdin + args, memory/time/output limits) run in the
// sandbox; priced per job plus per second; verified by comparing exit code and stdout across replicas.
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { z } from "zod";
import { InvalidInputError } from "../../core/errors.ts";
import type { Blobs, Metering, ResourceRuntime, ResourceType, WorkResult } from "../resource-type.ts";
import {
  compileSandboxModule,
  createSandboxPool,
  SandboxMemoryLimitError,
  type SandboxModule,
  SandboxOutputLimitError,
  SandboxTrapError,
} from "./sandbox/index.ts";

const hash = z.string().regex(/^0x[0-9a-f]{64}$/, "a sha256 as 0x + 64 lower-case hex") as unknown as z.ZodType<Hex>;
const amount = z.string().regex(/^\d{1,78}$/, "an integer amount of token base units");

export const computeOfferSchema = z.object({
  pricePerJob: amount,
  pricePerSecond: amount,
  maxMemoryBytes: z
    .number()
    .int()
    .min(65536)
    .max(4 * 1024 ** 3),
  maxWallMs: z.number().int().min(1).max(3_600_000),
  maxOutputBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 ** 3),
});
export type ComputeOffer = z.infer<typeof computeOfferSchema>;

export const computeSpecSchema = z.object({
  module: hash,
  input: hash,
  args: z.array(z.string().max(4096)).max(256),
  limits: z.object({
    memoryBytes: z
      .number()
      .int()
      .min(65536)
      .max(4 * 1024 ** 3),
    wallMs: z.number().int().min(1).max(3_600_000),
    outputBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 ** 3),
  }),
});
export type ComputeSpec = z.infer<typeof computeSpecSchema>;

export const defaultComputeLimits = { memoryBytes: 256 * 1024 ** 2, wallMs: 60_000, outputBytes: 64 * 1024 ** 2 };

/** Exit code reported when the program trapped or hit its memory or output cap (as a shell reports an abort). */
export const trapExitCode = 134;

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

function createComputeRuntime(options: { concurrency: number }): ResourceRuntime<ComputeSpec> {
  const pool = createSandboxPool({ size: options.concurrency });
  // Compiling dominates short jobs: keep compiled modules by (hash, memory cap), most recent last.
  const compiled = new Map<string, Promise<SandboxModule>>();
  const compile = (bytes: Uint8Array, spec: ComputeSpec) => {
    const key = `${spec.module}/${spec.limits.memoryBytes}`;
    let entry = compiled.get(key);
    if (!entry) {
      entry = compileSandboxModule(bytes, { memoryBytes: spec.limits.memoryBytes });
      entry.catch(() => compiled.delete(key));
      compiled.set(key, entry);
      if (compiled.size > 64) compiled.delete(compiled.keys().next().value as string);
    }
    return entry;
  };
  return {
    async run({ spec, blobs }: { spec: ComputeSpec; blobs: Blobs }): Promise<WorkResult> {
      const moduleBytes = blobs.get(spec.module);
      const stdin = blobs.get(spec.input);
      if (!moduleBytes || !stdin) throw new InvalidInputError("job inputs missing", { details: { spec } });
      const module = await compile(moduleBytes, spec);
      try {
        const result = await pool.run({ module, args: spec.args, stdin, limits: spec.limits });
        return {
          output: result.stdout,
          outcome: { exitCode: result.exitCode, stderr: Buffer.from(result.stderr).toString("base64") },
          metering: { ...result.metering },
        };
      } catch (error) {
        // A trap or a cap is the program's own deterministic outcome: every honest provider reports the same.
        if (
          error instanceof SandboxTrapError ||
          error instanceof SandboxMemoryLimitError ||
          error instanceof SandboxOutputLimitError
        ) {
          const partial = error.partial;
          return {
            output: partial?.stdout ?? new Uint8Array(),
            outcome: {
              exitCode: trapExitCode,
              error: error.message,
              stderr: Buffer.from(partial?.stderr ?? new Uint8Array()).toString("base64"),
            },
            metering: partial ? { ...partial.metering } : { wallMs: 0 },
          };
        }
        throw error;
      }
    },
    close: () => pool.close(),
  };
}

// Modules (by sha256 and memory cap) that compiled in a precheck: the same bytes under the same cap compile the same
// way, so a module sent again is not compiled again just to be checked. Bounded, oldest dropped first.
const prechecked = new Set<string>();

export const computeResource: ResourceType<ComputeOffer, ComputeSpec> = {
  name: "compute",
  rewardWeight: 1,
  offerSchema: computeOfferSchema,
  specSchema: computeSpecSchema,
  blobsOf: (spec) => [spec.module, spec.input],
  accepts: (offer, spec) =>
    spec.limits.memoryBytes <= offer.maxMemoryBytes &&
    spec.limits.wallMs <= offer.maxWallMs &&
    spec.limits.outputBytes <= offer.maxOutputBytes,
  quote: (offer, spec) =>
    BigInt(offer.pricePerJob) + ceilDiv(BigInt(offer.pricePerSecond) * BigInt(spec.limits.wallMs), 1000n),
  price(offer, spec, metering: Metering) {
    const wallMs = typeof metering.wallMs === "number" && metering.wallMs > 0 ? Math.ceil(metering.wallMs) : 0;
    const used = BigInt(offer.pricePerJob) + ceilDiv(BigInt(offer.pricePerSecond) * BigInt(wallMs), 1000n);
    const cap = computeResource.quote(offer, spec);
    return used < cap ? used : cap;
  },
  resultDigest(result) {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(Number(result.outcome.exitCode ?? 0) >>> 0);
    return `0x${createHash("sha256").update("groundwork/compute/v1").update(header).update(result.output).digest("hex")}`;
  },
  deterministic: (result) => result.metering.usedRandomness !== true && result.metering.usedClock !== true,
  async precheck(spec, blobs) {
    const module = blobs.get(spec.module);
    if (!module) throw new InvalidInputError("the job's module is missing", { details: { module: spec.module } });
    // The key names the bytes only if they hash to it: checked here, not assumed from the caller.
    const key = `${createHash("sha256").update(module).digest("hex")}/${spec.limits.memoryBytes}`;
    if (prechecked.has(key)) return;
    await compileSandboxModule(module, { memoryBytes: spec.limits.memoryBytes });
    prechecked.add(key);
    if (prechecked.size > 256) prechecked.delete(prechecked.values().next().value as string);
  },
  createRuntime: createComputeRuntime,
};
