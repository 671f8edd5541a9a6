// The chain layer's public surface: contract artifacts, deployment, clients and the on-chain identifiers.

export { type Anvil, type AnvilOptions, startAnvil } from "./anvil.ts";
export {
  escrowAbi,
  groundworkGovernorAbi,
  parameterStoreAbi,
  providerRegistryAbi,
  rewardsAbi,
  timelockControllerAbi,
  tokenAbi,
  treasuryAbi,
} from "./artifacts.generated.ts";
export { type ChainWallet, chainFor, createChainPublicClient, createChainWallet } from "./clients.ts";
export { DeployError, type DeployParams, deployGroundwork } from "./deploy.ts";
export {
  type ContractName,
  type Deployment,
  deploymentPath,
  deploymentSchema,
  readDeployment,
  writeDeployment,
} from "./deployment.ts";
export {
  buildEarningsTree,
  type EarningsEntry,
  type EarningsTree,
  EarningsTreeError,
  hashEarningsLeaf,
  verifyEarningsProof,
} from "./earnings-tree.ts";
export { readScheduledEmission } from "./emission.ts";
export {
  bundleRootSignatures,
  type EpochRoot,
  epochRootDigest,
  type RewardsDomain,
  recoverEpochRootSigner,
  type SlashEntry,
  signEpochRoot,
} from "./epoch-root.ts";
export {
  type NetworkParameterName,
  networkParameters,
  parameterKey,
  readNetworkParameters,
  readParameterOr,
  verificationParameters,
} from "./parameters.ts";
export {
  getRegisteredProvider,
  providerBindingMessage,
  type RegisteredProvider,
  signProviderBinding,
  verifyProviderBinding,
} from "./provider-binding.ts";
export { approveStake, registerProvider } from "./register-provider.ts";
export { resourceTypeId } from "./resource-type.ts";
export {
  type EscrowDomain,
  recoverVoucherSigner,
  signVoucher,
  type Voucher,
  voucherDigest,
} from "./voucher.ts";
export { ContractRevertedError, wrapChainError, writeContractAndWait } from "./write-contract.ts";
