// The gateway role: admits providers over WebSocket, takes customers' jobs and vouchers over HTTP, runs each job to
// a verified settlement, and keeps signed failure and fraud reports for the oracles.

export { type ChallengeRelay, type ChallengeRelayOptions, createChallengeRelay } from "./challenge-relay.ts";
export {
  type AdmissionRejectCode,
  AdmissionRejectedError,
  admissionCloseCode,
  DuplicateJobError,
  InsufficientDepositError,
  NoProvidersError,
  NotAnOracleError,
  PayloadTooLargeError,
  ProviderNotConnectedError,
} from "./errors.ts";
export { createGateway, type Gateway, type GatewayOptions, gatewayVersion, providersPath } from "./gateway.ts";
export {
  type GatewayStore,
  type JobRecord,
  openGatewayStore,
  type ReportKind,
  type StoredReport,
} from "./gateway-store.ts";
export { httpStatusOf } from "./http-api.ts";
export {
  type AcceptedJob,
  type AttemptOutcome,
  type AttemptSummary,
  InvalidResultError,
  type JobEngineContext,
  type JobOutcome,
  type ResultExpectation,
  runJob,
  type Verification,
  type VerifiedResult,
  verifyJobResult,
} from "./job-engine.ts";
export { acceptJobRequest, type JobRequestContext } from "./job-request.ts";
export { checkProviderRegistration } from "./provider-admission.ts";
export { type Candidate, createProviderPool, type ProviderPool } from "./provider-pool.ts";
export type { AdmittedProvider, AttemptEvent, ProviderSession } from "./provider-session.ts";
export { createReputationBook, type Reputation, type ReputationBook } from "./reputation-book.ts";
