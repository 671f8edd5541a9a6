// The oracle daemon: liveness challenges, fraud report intake, evidence bundles, M-of-N agreement on each epoch's
// root, and the HTTP API that publishes all of it.
export {
  type Bundle,
  type BundleBody,
  buildEpochInputs,
  bundleHash,
  type ComparableRoot,
  computeEpochResult,
  diffRoots,
  InvalidBundleError,
  leavesMap,
  oracleMessageTypes,
  type SerializedResult,
  serializeResult,
  verifyBundle,
} from "./epoch-builder.ts";
export {
  createEpochChainReader,
  type EpochChainData,
  type EpochChainReader,
  type EpochWindow,
  epochAt,
  epochWindow,
  type PostedRoot,
} from "./epoch-chain.ts";
export { createOracleHttpApi, installErrorHandling, NotFoundError, type OracleRouteExtension } from "./http-api.ts";
export { requestJson } from "./http-client.ts";
export {
  createOracleDaemon,
  type OracleDaemon,
  type OracleDaemonOptions,
  type OracleFaults,
  oracleVersion,
} from "./oracle-daemon.ts";
export type { ExtensionEvidence, OracleExtension, RewardComponentSource } from "./oracle-extension.ts";
export { type EpochRecord, type OracleStore, openOracleStore } from "./oracle-store.ts";
export { type EpochVerification, verifyPublishedEpoch } from "./verify-epoch.ts";
