// Proof of coverage on an oracle: assignments, evidence intake, epoch verdicts and routes on the oracle's API.
export {
  assignmentRequestBody,
  assignmentRequestType,
  type CoverageOracle,
  type CoverageOracleOptions,
  createCoverageOracle,
} from "./coverage-oracle.ts";
