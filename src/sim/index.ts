// `gw sim`: simulated providers (honest, flaky, offline, cheating, self-dealing) driving the real oracle engine and
// the real contracts, for tests, benchmarks and economics.
export { type ChainDriver, createChainDriver, SimChainError } from "./chain-driver.ts";
export { createPopulation, type Population, type ProviderKind, providerKinds, type SimNode } from "./population.ts";
export { type RunSimHooks, runSim, simulationScope } from "./run-sim.ts";
export { createSeededRandom, deriveBytes, type SeededRandom } from "./seeded-random.ts";
export { simNetworkParams } from "./setup-sim-chain.ts";
export { parseRange, parseShare, resolveSimOptions, type SimOptions, type SimOptionsInput } from "./sim-options.ts";
export {
  formatEpochLine,
  formatSimReport,
  type SelfDealReport,
  type SimEpochReport,
  type SimReport,
} from "./sim-report.ts";
