// Proof of coverage in the running network: oracle extension, reward component, epoch context, hotspot service.

export { type CoverageOffer, coverageOfferSchema, coverageRadioSchema } from "./coverage-offer.ts";
export { createCoverageOracleExtension } from "./coverage-oracle-extension.ts";
export {
  type CoverageBundleEvidence,
  coverageBundleEvidenceSchema,
  createCoverageRewards,
} from "./coverage-rewards.ts";
export { type CoverageEpochContext, readCoverageEpochContext, readCoverageHotspots } from "./epoch-context.ts";
export { startCoverageHotspot } from "./hotspot-service.ts";
export {
  coverageParamsFor,
  coverageShareFor,
  coverageShareParameter,
  coverageTypeName,
  defaultCoverageShareBps,
} from "./network-params.ts";
