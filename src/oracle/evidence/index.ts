// Evidence verification for the oracles: liveness answers, fraud reports, and the intake that batches them.
export {
  createIntake,
  type Intake,
  type IntakeBatch,
  type IntakeOptions,
  type IntakeRejection,
  type IntakeStats,
} from "./create-intake.ts";
export { EvidenceRejectedError, type EvidenceRejectReason } from "./evidence-error.ts";
export { type VerifiedFraud, type VerifyFraudReportOptions, verifyFraudReport } from "./verify-fraud-report.ts";
export { type VerifiedPong, type VerifyPongOptions, verifyPong } from "./verify-pong.ts";
export {
  type ProvenRecomputeFraud,
  proveRecomputeFraud,
  type RecomputeEvidence,
  verifyAnyFraudReport,
  verifyRecomputeFraudReport,
} from "./verify-recompute-fraud.ts";
