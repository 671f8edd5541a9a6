// What an earnings estimate reads from chain besides the epoch history: escrow's revenue split, the type's minimum
// stake (zero: the type is not enabled), the next epoch and the governed parameters. Shared by the CLI and the API.
import type { PublicClient } from "viem";
import {
  type Deployment,
  escrowAbi,
  providerRegistryAbi,
  readNetworkParameters,
  resourceTypeId,
  rewardsAbi,
  wrapChainError,
} from "../chain/index.ts";
import { StateError } from "../core/errors.ts";

export async function readEstimateChainInputs(
  client: PublicClient,
  contracts: Deployment["contracts"],
  resourceType: string,
) {
  const [reads, rules] = await Promise.all([
    (async () => {
      try {
        return await Promise.all([
          client.readContract({ address: contracts.escrow, abi: escrowAbi, functionName: "shares" }),
          client.readContract({
            address: contracts.registry,
            abi: providerRegistryAbi,
            functionName: "minStake",
            args: [resourceTypeId(resourceType)],
          }),
          client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "nextEpoch" }),
        ]);
      } catch (error) {
        throw wrapChainError(error, "reading escrow shares and minimum stake");
      }
    })(),
    readNetworkParameters(client, contracts.parameters),
  ]);
  const [[providerBps, treasuryBps, burnBps], minStake, nextEpoch] = reads;
  if (minStake === 0n) {
    throw new StateError(`resource type ${resourceType} is not enabled on this network`, {
      hint: "Governance enables a type by giving it a minimum stake.",
    });
  }
  return { providerBps, treasuryBps, burnBps, minStake, nextEpoch, rules };
}
