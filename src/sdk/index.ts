// The customer SDK: run work on the network, verify it yourself, pay on delivery.
export {
  createGroundworkClient,
  defaultRecomputePolicy,
  type GroundworkClient,
  type GroundworkClientOptions,
} from "./client.ts";
export { type RunComputeParams, type RunComputeResult, runCompute } from "./compute.ts";
export { GatewayError, InsufficientDepositError, JobFailedError, VerificationFailedError } from "./errors.ts";
export {
  createGatewayApi,
  type GatewayApi,
  type GatewayInfo,
  type GatewayProvider,
  type JobOutcome,
} from "./gateway-api.ts";
export { createNetworkApi, type NetworkApi, parseApiUrl } from "./network-api.ts";
export { createPayer, type Payer, type PaymentOutcome, payRound, submitVouchers } from "./payer.ts";
export { createPaymentStore, type PaymentStore, type PaymentStoreOptions } from "./payment-store.ts";
export { type RenderTileEvent, type RunRenderParams, type RunRenderResult, runRender } from "./render.ts";
export {
  type CaughtResult,
  type JobProgressEvent,
  type PaidProvider,
  type RunJobParams,
  type RunJobResult,
  runJob,
} from "./run-job.ts";
export { type JobVerdict, type Verification, verifyJobResults } from "./verify-results.ts";
