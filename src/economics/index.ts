// Network economics: per-epoch stats from chain, a provider's earnings and claims, and the earnings estimator.
export { type ClaimOutcome, claimRewards } from "./claim-rewards.ts";
export { readEstimateChainInputs } from "./estimate-chain-inputs.ts";
export {
  type EarningsEstimate,
  type EpochHistoryEntry,
  type EstimateEarningsParams,
  estimateEarnings,
  monthSeconds,
  priceScale,
} from "./estimate-earnings.ts";
export {
  type EpochEconomics,
  type GetNetworkStatsParams,
  getNetworkStats,
  type NetworkStats,
  type TreasuryInflow,
} from "./network-stats.ts";
export {
  createOracleClient,
  type OracleClient,
  type OracleEarningsEntry,
  type OracleEpoch,
  type OracleProof,
  parseOracleUrl,
} from "./oracle-client.ts";
export { type ChainPosition, epochAt, getPostedEpochs, type PostedEpoch } from "./posted-epochs.ts";
export {
  type EpochEarnings,
  type GetProviderEarningsParams,
  getProviderEarnings,
  type ProviderEarnings,
} from "./provider-earnings.ts";
export { getRegistrySnapshot, type RegistryEntry, type RegistrySnapshot } from "./registry-snapshot.ts";
export { computeRevenueShare, type RevenueShare } from "./revenue-share.ts";
