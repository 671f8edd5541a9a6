// Registers a node key on chain for its owner: approves the stake if needed, then register() with the node key's
// binding signature. Shared by `gw provider stake`, the local network and tests.
import type { Hex, PublicClient } from "viem";
import type { NodeKey } from "../protocol/index.ts";
import { providerRegistryAbi, tokenAbi } from "./artifacts.generated.ts";
import type { ChainWallet } from "./clients.ts";
import type { Deployment } from "./deployment.ts";
import { signProviderBinding } from "./provider-binding.ts";
import { writeContractAndWait } from "./write-contract.ts";

/** Approves the registry for `amount` unless the allowance already covers it; returns the transaction, if any. */
export async function approveStake(
  publicClient: PublicClient,
  wallet: ChainWallet,
  params: { deployment: Deployment; amount: bigint },
): Promise<Hex | undefined> {
  const { token, registry } = params.deployment.contracts;
  const allowance = await publicClient.readContract({
    address: token,
    abi: tokenAbi,
    functionName: "allowance",
    args: [wallet.account.address, registry],
  });
  if (allowance >= params.amount) return undefined;
  const receipt = await writeContractAndWait(publicClient, wallet, {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [registry, params.amount],
  });
  return receipt.transactionHash;
}

export async function registerProvider(
  publicClient: PublicClient,
  wallet: ChainWallet,
  params: {
    deployment: Deployment;
    nodeKey: NodeKey;
    resourceTypes: Hex[];
    stake: bigint;
    endpoint?: string;
    h3Cell?: bigint;
  },
): Promise<Hex[]> {
  const { chainId, contracts } = params.deployment;
  const approval = await approveStake(publicClient, wallet, { deployment: params.deployment, amount: params.stake });
  const receipt = await writeContractAndWait(publicClient, wallet, {
    address: contracts.registry,
    abi: providerRegistryAbi,
    functionName: "register",
    args: [
      params.nodeKey.publicKey,
      params.resourceTypes,
      params.endpoint ?? "",
      params.h3Cell ?? 0n,
      params.stake,
      signProviderBinding(params.nodeKey, { chainId, registry: contracts.registry, owner: wallet.account.address }),
    ],
  });
  return [...(approval ? [approval] : []), receipt.transactionHash];
}
