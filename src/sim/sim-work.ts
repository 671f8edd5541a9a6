// The simulation's unit of work: a compute job whose "program" is fixed and whose output is a hash of its input, so
// every job's correct result is known without running anything, and its digest is the compute type's real digest.
import { createHash } from "node:crypto";
import type { Hex } from "viem";
import { computeResource, defaultComputeLimits } from "../resources/compute/index.ts";
import type { WorkResult } from "../resources/index.ts";

/** The "module" every simulated job names (never run: the sim computes the output directly). */
export const simModuleHash = `0x${createHash("sha256").update("gw-sim/module/v1").digest("hex")}` as Hex;

export interface SimJobSpec {
  module: Hex;
  input: Hex;
  args: string[];
  limits: typeof defaultComputeLimits;
}

export function simJobSpec(input: Hex): SimJobSpec {
  return { module: simModuleHash, input, args: [], limits: { ...defaultComputeLimits, wallMs: 10_000 } };
}

/** The correct output of the job with this input. */
export function simWorkOutput(input: Hex): Uint8Array {
  return new Uint8Array(createHash("sha256").update("gw-sim/work/v1").update(input).digest());
}

/** A wrong output a cheater returns: specific to the cheater, so two cheaters never agree on a lie. */
export function simWrongOutput(input: Hex, nodeKey: Hex): Uint8Array {
  return new Uint8Array(createHash("sha256").update("gw-sim/wrong/v1").update(nodeKey).update(input).digest());
}

export const simOutcome = { exitCode: 0 };
export const simMetering = { wallMs: 120 };

export function simWorkResult(output: Uint8Array): WorkResult {
  return { output, outcome: simOutcome, metering: simMetering };
}

/** The compute type's digest of the correct result: what replicas must agree on. */
export function simCorrectDigest(input: Hex): Hex {
  return computeResource.resultDigest(simWorkResult(simWorkOutput(input)));
}
