// The emission the Rewards schedule gives an epoch, read from chain: what estimates fall back on before any root is
// posted.
import type { Address, PublicClient } from "viem";
import { rewardsAbi } from "./artifacts.generated.ts";
import { wrapChainError } from "./write-contract.ts";

export async function readScheduledEmission(
  client: Pick<PublicClient, "readContract">,
  rewards: Address,
  epoch: bigint,
): Promise<bigint> {
  try {
    return await client.readContract({ address: rewards, abi: rewardsAbi, functionName: "emissionFor", args: [epoch] });
  } catch (error) {
    throw wrapChainError(error, "reading the emission schedule");
  }
}
