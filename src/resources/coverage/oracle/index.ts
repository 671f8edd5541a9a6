// Proof of coverage on an oracle: assignments, evidence intake, epoch verdicts and routes on the oracle's API.

export {
  type CoverageClient,
  type CoverageMap,
  type CoverageStatus,
  type CoverageWitnesses,
  createCoverageClient,
} from "./coverage-client.ts";
export {
  assignmentRequestBody,
  assignmentRequestType,
  type CoverageOracle,
  type CoverageOracleOptions,
  createCoverageOracle,
} from "./coverage-oracle.ts";
