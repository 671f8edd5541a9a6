// The validation rules of a witness report, each a small pure function: undefined when the report passes, the
// rejection otherwise. validate-epoch.ts applies them in order; docs/coverage.md gives each one's physics.
import type { Hex } from "viem";
import {
  demodulationFloorSnrDb,
  freeSpacePathLossDb,
  LIGHT_M_PER_NS,
  MAX_FADING_GAIN_DB,
  noiseFloorDbm,
} from "../radio/index.ts";
import type { AssertedLocation } from "./asserted-location.ts";
import type { ScheduledBeacon } from "./beacon-schedule.ts";
import type { BeaconReceipt, WitnessReport } from "./messages.ts";
import type { PocParams } from "./poc-params.ts";

export type WitnessRejectReason =
  // the report itself
  | "malformed"
  | "bad-signature"
  | "stale"
  | "replayed"
  | "duplicate"
  | "not-scheduled"
  | "wrong-beaconer"
  | "wrong-payload"
  | "wrong-channel"
  | "not-transmitted"
  | "no-location"
  | "self-witness"
  // physics between the asserted locations
  | "too-close"
  | "too-far"
  | "impossible-power"
  | "below-sensitivity"
  | "impossible-snr"
  | "timing"
  // collusion and density
  | "relayed"
  | "ring"
  | "location-flagged"
  | "beaconer-flagged"
  | "unverified-location"
  | "cell-cap"
  | "beacon-cap";

export interface Rejection {
  reason: WitnessRejectReason;
  detail?: Record<string, number | string>;
}

/** Rejections that say a location or a measurement is false (as opposed to a report that proves nothing). */
export const physicsReasons: ReadonlySet<WitnessRejectReason> = new Set([
  "too-far",
  "impossible-power",
  "below-sensitivity",
  "impossible-snr",
  "timing",
]);

const reject = (reason: WitnessRejectReason, detail?: Rejection["detail"]): Rejection =>
  detail ? { reason, detail } : { reason };

/** Signature: the envelope verified against the witness's node key (checked in a batch beforehand). */
export function signatureRule(signatureValid: boolean): Rejection | undefined {
  return signatureValid ? undefined : reject("bad-signature");
}

/**
 * Freshness: a report signed before its beacon's slot cannot describe it, and one signed after the report window
 * is late (or an old report replayed into a later epoch).
 */
export function freshnessRule(signedAtMs: number, slotMs: number, params: PocParams): Rejection | undefined {
  if (signedAtMs < slotMs) return reject("stale", { signedAtMs, slotMs, why: "signed before the beacon" });
  if (signedAtMs > slotMs + params.maxReportDelayMs) {
    return reject("stale", { signedAtMs, slotMs, maxReportDelayMs: params.maxReportDelayMs });
  }
  return undefined;
}

/**
 * Scheduled and transmitted: the beacon is in the epoch's schedule, from the beaconer the report names, with the
 * payload only the schedule knew, on the beacon's channel; and its beaconer signed that it transmitted it.
 */
export function scheduledRule(
  report: WitnessReport,
  epoch: number,
  beacon: ScheduledBeacon | undefined,
  receipt: BeaconReceipt | undefined,
  params: PocParams,
): Rejection | undefined {
  if (!beacon || report.epoch !== epoch) return reject("not-scheduled", { beaconId: report.beaconId });
  if (report.beaconer !== beacon.beaconer) return reject("wrong-beaconer");
  if (report.payloadHash !== beacon.payloadHash) return reject("wrong-payload");
  if (report.frequencyHz !== params.beacon.frequencyHz || report.spreadingFactor !== params.beacon.spreadingFactor) {
    return reject("wrong-channel", { frequencyHz: report.frequencyHz, spreadingFactor: report.spreadingFactor });
  }
  if (!receipt || receipt.payloadHash !== beacon.payloadHash) return reject("not-transmitted");
  return undefined;
}

/** Both ends need a valid asserted cell fine enough to check physics against, and a hotspot cannot witness itself. */
export function locationRule(
  witness: Hex,
  beaconer: Hex,
  witnessAt: AssertedLocation | undefined,
  beaconerAt: AssertedLocation | undefined,
  minResolution: number,
): Rejection | undefined {
  if (witness === beaconer) return reject("self-witness");
  if (!witnessAt || !beaconerAt || witnessAt.resolution < minResolution || beaconerAt.resolution < minResolution) {
    return reject("no-location", { minResolution });
  }
  return undefined;
}

/**
 * Distance: closer than the minimum proves no coverage (whatever the cells' size allows); farther than a beacon
 * at its EIRP carries over terrain is impossible.
 */
export function distanceRule(distanceM: number, uncertaintyM: number, params: PocParams): Rejection | undefined {
  if (distanceM + uncertaintyM < params.minWitnessDistanceM) {
    return reject("too-close", { distanceM: Math.round(distanceM) });
  }
  if (distanceM - uncertaintyM > params.maxWitnessDistanceM) {
    return reject("too-far", { distanceM: Math.round(distanceM) });
  }
  return undefined;
}

/**
 * Received power: nothing passive beats free space, and fading adds at most +6 dB; so RSSI above
 * EIRP − FSPL(closest possible distance) + 6 dB + margin was not received at that distance. RSSI below what the
 * demodulator can decode, or an SNR better than RSSI over the thermal noise floor allows, is invented.
 */
export function powerRule(
  report: WitnessReport,
  distanceM: number,
  uncertaintyM: number,
  params: PocParams,
): Rejection | undefined {
  const closest = Math.max(1, distanceM - uncertaintyM);
  const ceiling =
    params.beacon.powerDbm -
    freeSpacePathLossDb(closest, params.beacon.frequencyHz) +
    MAX_FADING_GAIN_DB +
    params.powerMarginDb;
  if (report.rssiDbm > ceiling) {
    return reject("impossible-power", { rssiDbm: report.rssiDbm, maxDbm: Math.round(ceiling * 10) / 10 });
  }
  const noise = noiseFloorDbm(params.beacon.bandwidthHz, params.noiseFigureDb);
  const floor = noise + demodulationFloorSnrDb(params.beacon.spreadingFactor);
  if (report.rssiDbm < floor - params.powerMarginDb || report.snrDb < floor - noise - params.snrMarginDb) {
    return reject("below-sensitivity", { rssiDbm: report.rssiDbm, snrDb: report.snrDb });
  }
  if (report.snrDb > report.rssiDbm - noise + params.snrMarginDb) {
    return reject("impossible-snr", { rssiDbm: report.rssiDbm, snrDb: report.snrDb });
  }
  return undefined;
}

/**
 * Timing: the beacon left at the beaconer's GPS time and travels at c, so it arrives distance / c later; the
 * allowance is two GPS clocks' error plus light's time across both asserted cells.
 */
export function timingRule(
  timeOfArrivalNs: bigint,
  txTimeNs: bigint,
  distanceM: number,
  uncertaintyM: number,
  params: PocParams,
): Rejection | undefined {
  const flightNs = Number(timeOfArrivalNs - txTimeNs);
  const expectedNs = distanceM / LIGHT_M_PER_NS;
  const allowedNs = params.timingToleranceNs + uncertaintyM / LIGHT_M_PER_NS;
  if (!Number.isFinite(flightNs) || Math.abs(flightNs - expectedNs) > allowedNs) {
    return reject("timing", {
      flightNs: Number.isFinite(flightNs) ? Math.round(flightNs) : "invalid",
      expectedNs: Math.round(expectedNs),
      allowedNs: Math.round(allowedNs),
    });
  }
  return undefined;
}
