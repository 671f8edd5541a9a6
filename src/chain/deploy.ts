// Deploys the whole Groundwork contract suite to any chain (fresh anvil or an RPC URL) and hands every
// parameter to governance: the deployer keeps no role once this returns.
import {
  type Account,
  type Chain,
  getContractAddress,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { GroundworkError } from "../core/errors.ts";
import {
  escrowAbi,
  escrowBytecode,
  groundworkGovernorAbi,
  groundworkGovernorBytecode,
  parameterStoreAbi,
  parameterStoreBytecode,
  providerRegistryAbi,
  providerRegistryBytecode,
  rewardsAbi,
  rewardsBytecode,
  timelockControllerAbi,
  timelockControllerBytecode,
  tokenAbi,
  tokenBytecode,
  treasuryAbi,
  treasuryBytecode,
} from "./artifacts.generated.ts";
import type { Deployment } from "./deployment.ts";
import { parameterKey } from "./parameters.ts";
import { resourceTypeId } from "./resource-type.ts";

export interface DeployParams {
  token: { name: string; symbol: string; cap: bigint; genesis: { holder: Hex; amount: bigint }[] };
  governance: {
    timelockDelay: bigint;
    votingDelay: number;
    votingPeriod: number;
    proposalThreshold: bigint;
    quorumPercent: bigint;
  };
  registry: { unbondingPeriod: bigint; jailDuration: bigint; minStakes: { resourceType: string; amount: bigint }[] };
  escrow: { withdrawalDelay: bigint; providerBps: number; treasuryBps: number; burnBps: number };
  /** Governed off-chain protocol parameters by name (the store keys them by keccak256 of the name). */
  parameters: Record<string, bigint>;
  rewards: {
    genesisTime: bigint;
    epochDuration: bigint;
    initialEmission: bigint;
    halvingInterval: bigint;
    oracles: Hex[];
    threshold: bigint;
  };
}

export class DeployError extends GroundworkError {
  override name = "DeployError";
}

type Wallet = WalletClient<Transport, Chain | undefined, Account>;

export async function deployGroundwork(params: {
  publicClient: PublicClient;
  walletClient: Wallet;
  config: DeployParams;
  rpcUrl: string;
}): Promise<Deployment> {
  const { publicClient, walletClient, config } = params;
  const deployer = walletClient.account.address;
  const chain = walletClient.chain ?? null;
  const chainId = await publicClient.getChainId();
  let nonce = await publicClient.getTransactionCount({ address: deployer, blockTag: "pending" });
  const firstNonce = nonce;

  // Each step waits for its receipt so that a revert stops the sequence with the step's name.
  const confirm = async (step: string, hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new DeployError(`deploy step failed: ${step}`, { details: { hash } });
    return receipt;
  };
  const deploy = async (step: string, abi: readonly unknown[], bytecode: Hex, args: readonly unknown[]) => {
    const hash = await walletClient.deployContract({
      abi,
      bytecode,
      args,
      account: walletClient.account,
      chain,
      nonce,
    });
    nonce += 1;
    const receipt = await confirm(step, hash);
    if (!receipt.contractAddress) throw new DeployError(`no contract address for ${step}`, { details: { hash } });
    return receipt;
  };

  // Rewards is the 7th creation; Token and ProviderRegistry name it before it exists.
  const predictedRewards = getContractAddress({ from: deployer, nonce: BigInt(firstNonce + 6) });

  const timelockReceipt = await deploy("TimelockController", timelockControllerAbi, timelockControllerBytecode, [
    config.governance.timelockDelay,
    [],
    ["0x0000000000000000000000000000000000000000"],
    deployer,
  ]);
  const timelock = timelockReceipt.contractAddress as Hex;
  const treasury = (await deploy("Treasury", treasuryAbi, treasuryBytecode, [timelock])).contractAddress as Hex;
  const token = (
    await deploy("Token", tokenAbi, tokenBytecode, [
      config.token.name,
      config.token.symbol,
      config.token.cap,
      predictedRewards,
      config.token.genesis.map((g) => g.holder),
      config.token.genesis.map((g) => g.amount),
    ])
  ).contractAddress as Hex;
  const governor = (
    await deploy("GroundworkGovernor", groundworkGovernorAbi, groundworkGovernorBytecode, [
      token,
      timelock,
      config.governance.votingDelay,
      config.governance.votingPeriod,
      config.governance.proposalThreshold,
      config.governance.quorumPercent,
    ])
  ).contractAddress as Hex;
  const registry = (
    await deploy("ProviderRegistry", providerRegistryAbi, providerRegistryBytecode, [
      token,
      timelock,
      treasury,
      predictedRewards,
      config.registry.unbondingPeriod,
      config.registry.jailDuration,
      config.registry.minStakes.map((m) => resourceTypeId(m.resourceType)),
      config.registry.minStakes.map((m) => m.amount),
    ])
  ).contractAddress as Hex;
  const escrow = (
    await deploy("Escrow", escrowAbi, escrowBytecode, [
      token,
      timelock,
      treasury,
      config.escrow.withdrawalDelay,
      config.escrow.providerBps,
      config.escrow.treasuryBps,
      config.escrow.burnBps,
    ])
  ).contractAddress as Hex;
  const rewardsReceipt = await deploy("Rewards", rewardsAbi, rewardsBytecode, [
    token,
    registry,
    escrow,
    timelock,
    {
      genesisTime: config.rewards.genesisTime,
      epochDuration: config.rewards.epochDuration,
      initialEmission: config.rewards.initialEmission,
      halvingInterval: config.rewards.halvingInterval,
      oracles: config.rewards.oracles,
      threshold: config.rewards.threshold,
    },
  ]);
  const rewards = rewardsReceipt.contractAddress as Hex;
  if (rewards.toLowerCase() !== predictedRewards.toLowerCase()) {
    throw new DeployError("Rewards landed at an unexpected address", {
      details: { predicted: predictedRewards, actual: rewards },
      hint: "Another transaction from the deployer key interleaved with the deployment; deploy again from an idle key.",
    });
  }

  const parameterNames = Object.keys(config.parameters).sort();
  const parameters = (
    await deploy("ParameterStore", parameterStoreAbi, parameterStoreBytecode, [
      timelock,
      parameterNames.map(parameterKey),
      parameterNames.map((name) => config.parameters[name] as bigint),
    ])
  ).contractAddress as Hex;

  // Hand the timelock to the governor and drop the deployer's admin role: no admin key survives.
  const role = (name: "PROPOSER_ROLE" | "CANCELLER_ROLE" | "DEFAULT_ADMIN_ROLE") =>
    publicClient.readContract({ address: timelock, abi: timelockControllerAbi, functionName: name });
  const roleCall = async (functionName: "grantRole" | "renounceRole", roleId: Hex, who: Hex) => {
    const hash = await walletClient.writeContract({
      address: timelock,
      abi: timelockControllerAbi,
      functionName,
      args: [roleId, who],
      account: walletClient.account,
      chain,
      nonce,
    });
    nonce += 1;
    await confirm(`timelock ${functionName}`, hash);
  };
  await roleCall("grantRole", await role("PROPOSER_ROLE"), governor);
  await roleCall("grantRole", await role("CANCELLER_ROLE"), governor);
  await roleCall("renounceRole", await role("DEFAULT_ADMIN_ROLE"), deployer);

  return {
    version: 1,
    chainId,
    rpcUrl: params.rpcUrl,
    deployBlock: Number(timelockReceipt.blockNumber),
    deployedAt: new Date().toISOString(),
    deployer,
    contracts: { token, registry, escrow, rewards, treasury, governor, timelock, parameters },
    epoch: { genesisTime: Number(config.rewards.genesisTime), duration: Number(config.rewards.epochDuration) },
  };
}
