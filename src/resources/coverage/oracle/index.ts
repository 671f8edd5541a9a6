// Proof of coverage on an oracle: assignments, evidence intake, epoch verdicts and routes on the oracle's API.

export {
  type CoverageClient,
  type CoverageEpochResult,
  type CoverageMap,
  type CoverageStatus,
  type CoverageWitnesses,
  coverageEpochSchema,
  createCoverageClient,
} from "./coverage-client.ts";
export { type CoverageHexView, coverageHexView } from "./coverage-hex-view.ts";
export {
  assignmentRequestBody,
  assignmentRequestType,
  type CoverageOracle,
  type CoverageOracleOptions,
  createCoverageOracle,
} from "./coverage-oracle.ts";
