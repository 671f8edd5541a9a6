// The oracle engine's public surface: epoch computation, liveness aggregation and evidence verification.
export { aggregateLiveness, type ChallengeRecord } from "./aggregate-liveness.ts";
export { computeEpoch, EpochInputError, type EpochInputProblem, ZERO_ROOT } from "./compute-epoch.ts";
export { epochParamsFrom } from "./epoch-params.ts";
export type {
  EpochInputs,
  EpochParams,
  EpochResult,
  NodeBreakdown,
  NodeLiveness,
  OwnerBreakdown,
  ProvenFraud,
  ProviderSnapshot,
  RewardComponent,
} from "./epoch-types.ts";
export {
  createIntake,
  EvidenceRejectedError,
  type EvidenceRejectReason,
  type Intake,
  type IntakeBatch,
  type IntakeOptions,
  type IntakeRejection,
  type IntakeStats,
  type VerifiedFraud,
  type VerifiedPong,
  type VerifyFraudReportOptions,
  type VerifyPongOptions,
  verifyFraudReport,
  verifyPong,
} from "./evidence/index.ts";
