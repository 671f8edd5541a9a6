// Proof of coverage: the beacon schedule, the signed messages, the validation rules and the epoch's verdicts and
// reward weights with hex-density scaling.
export { type AssertedLocation, assertedLocation, cellFromChain, cellToChain } from "./asserted-location.ts";
export {
  beaconPayload,
  beaconSchedule,
  parseBeaconPayload,
  type ScheduledBeacon,
  scheduleSecretFrom,
  scheduleSeed,
  verifyScheduleSignature,
} from "./beacon-schedule.ts";
export { type DensityResult, densityScale, type HexDensity } from "./density-scaling.ts";
export {
  type BeaconAssignment,
  type BeaconReceipt,
  beaconAssignmentBody,
  beaconReceiptBody,
  coverageMessageTypes,
  type WitnessReport,
  witnessReportBody,
} from "./messages.ts";
export { type DensityTarget, defaultPocParams, type PocParams, pocParamsSchema } from "./poc-params.ts";
export { relayedWitnesses } from "./relay-fingerprints.ts";
export {
  type CoverageEpoch,
  type CoverageEvidence,
  type CoverageHotspot,
  type HotspotCoverage,
  type HotspotFlag,
  type SignatureBatchVerifier,
  validateCoverageEpoch,
  verifySignaturesInline,
  type WitnessVerdict,
} from "./validate-epoch.ts";
export { capWitnesses } from "./witness-caps.ts";
export { findWitnessRings } from "./witness-rings.ts";
export * from "./witness-rules.ts";
