// The provider daemon (DESIGN.md section 1): gateway links, the job runner and its journal, vouchers and their
// redemption, the control surface, and the files in <home>/provider.
export { type ControlServer, startControlServer } from "./control-server.ts";
export { createGatewayLink, type GatewayLink, type GatewayLinkOptions, type HelloContent } from "./gateway-link.ts";
export { createJobJournal, type JobJournal, type JobResultBody } from "./job-journal.ts";
export {
  createJobRunner,
  type Faults,
  type JobAssign,
  JobRefusedError,
  type JobReply,
  type JobRunner,
  type RefusalCode,
  type RunningJob,
} from "./job-runner.ts";
export { createJsonLogger, type Logger, type LogLevel, silentLogger } from "./logger.ts";
export {
  normalizeGatewayUrl,
  type ProviderConfig,
  type ProviderConfigInput,
  type ProviderPaths,
  providerConfigSchema,
  providerPaths,
  readProviderConfig,
  redeemMinAmount,
  writeProviderConfig,
} from "./provider-config.ts";
export {
  createProviderDaemon,
  type ProviderDaemon,
  type ProviderDaemonOptions,
  type ProviderStatus,
  providerVersion,
} from "./provider-daemon.ts";
export { createProviderMetrics, type ProviderMetrics } from "./provider-metrics.ts";
export {
  createVoucherBook,
  type LastRedeem,
  type VoucherBook,
  type VoucherOutcome,
  VoucherRejectedError,
} from "./voucher-book.ts";
export { createVoucherRedeemer, type VoucherRedeemer } from "./voucher-redeemer.ts";
