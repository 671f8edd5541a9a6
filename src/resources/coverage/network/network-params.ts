// The proof-of-coverage settings a running network derives from what is on chain, so every oracle, every hotspot
// and `gw oracle verify` use the same ones without configuring anything: the report window scales with the epoch.
import { defaultPocParams, type PocParams } from "../poc/poc-params.ts";

/** The resource type's name (its keccak256 is the on-chain id hotspots register with). */
export const coverageTypeName = "coverage";

/** The governed coverage share of each epoch's emission (basis points), before the work share's room caps it. */
export const coverageShareParameter = "coverage.shareBps";

/** The coverage share for as long as governance has not set coverage.shareBps. */
export const defaultCoverageShareBps = 2_000n;

/**
 * Proof-of-coverage parameters for epochs of `epochMs`: witnesses get a quarter of the epoch (at most the default
 * 120 s) to report, so every slot and its reports fit inside the epoch, however short.
 */
export function coverageParamsFor(epochMs: number): PocParams {
  return {
    ...defaultPocParams,
    maxReportDelayMs: Math.min(defaultPocParams.maxReportDelayMs, Math.max(1_000, Math.floor(epochMs / 4))),
  };
}

/** The share that fits beside the governed work share (components and work never exceed the emission). */
export function coverageShareFor(workShareBps: bigint, shareBps: bigint = defaultCoverageShareBps): bigint {
  const room = 10_000n - workShareBps;
  const wanted = shareBps > 0n ? shareBps : 0n;
  return room < wanted ? (room > 0n ? room : 0n) : wanted;
}
