// Test support shared by end-to-end tests: real processes, free ports, temporary homes, a deployed test chain.

export { type ApiGet, type ApiJson, apiGetter, snapshotApi } from "./api-snapshot.ts";
export { registerTestProvider, startTestChain, type TestChain } from "./chain-fixture.ts";
export { findChromium, launchChromium } from "./chromium.ts";
export { type JudgedCoverageEpoch, judgeCoverageEpoch } from "./coverage-epoch-fixture.ts";
export {
  type EconomyScenario,
  redeemTestVoucher,
  runEconomyScenario,
  setUpEconomy,
} from "./economy-scenario.ts";
export { type ExtraProvider, startExtraProvider } from "./extra-provider.ts";
export {
  type FakeGateway,
  type FakeGatewayReply,
  fakeJobOutcome,
  signTestResult,
  startFakeGateway,
} from "./fake-gateway.ts";
export {
  advancePastEpoch,
  type FakeOracle,
  postTestEpoch,
  startFakeOracle,
  type TestEpoch,
  type TestEpochNode,
  type TestEpochOwner,
} from "./fake-oracle.ts";
export { type LocalNetworkArgs, localNetworkArgs } from "./local-network-args.ts";
export { findPostgresBin, startTestPostgres, type TestPostgres } from "./postgres-server.ts";
export { freePort, type GwResult, isProcessAlive, runGw, startGw, tempHome } from "./processes.ts";
export { waitUntil } from "./wait-until.ts";
