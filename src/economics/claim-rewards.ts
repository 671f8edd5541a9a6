// One claim for every unclaimed epoch: the latest posted root's proof for the account, fetched from an oracle,
// checked locally against Rewards.latestRoot() before any transaction, then Rewards.claim from any wallet.
import type { Hex, PublicClient } from "viem";
import {
  type ChainWallet,
  type Deployment,
  rewardsAbi,
  verifyEarningsProof,
  wrapChainError,
  writeContractAndWait,
} from "../chain/index.ts";
import { RemoteError } from "../core/errors.ts";
import type { OracleClient } from "./oracle-client.ts";

export interface ClaimOutcome {
  account: Hex;
  /** The latest posted epoch, null when no root has been posted. */
  epoch: number | null;
  /** The account's cumulative earnings in the latest root (0 when it has no leaf). */
  cumulative: bigint;
  /** Claimed before this call. */
  previouslyClaimed: bigint;
  /** Paid by this call (0 when there was nothing to claim). */
  claimed: bigint;
  /** Why nothing was claimed, when nothing was. */
  reason: "no-root" | "no-earnings" | "already-claimed" | null;
  tx: Hex | null;
  submittedBy: Hex | null;
}

const noEpoch = 2n ** 64n - 1n;

export async function claimRewards(
  client: PublicClient,
  wallet: ChainWallet,
  params: { deployment: Deployment; account: Hex; oracle: OracleClient },
): Promise<ClaimOutcome> {
  const { deployment, account, oracle } = params;
  const rewards = deployment.contracts.rewards;
  let latestEpoch: bigint;
  let latestRoot: Hex;
  let previouslyClaimed: bigint;
  try {
    [latestEpoch, latestRoot, previouslyClaimed] = await Promise.all([
      client.readContract({ address: rewards, abi: rewardsAbi, functionName: "latestEpoch" }),
      client.readContract({ address: rewards, abi: rewardsAbi, functionName: "latestRoot" }),
      client.readContract({ address: rewards, abi: rewardsAbi, functionName: "claimed", args: [account] }),
    ]);
  } catch (error) {
    throw wrapChainError(error, "reading Rewards");
  }
  const nothing = (reason: ClaimOutcome["reason"], epoch: number | null, cumulative: bigint): ClaimOutcome => ({
    account,
    epoch,
    cumulative,
    previouslyClaimed,
    claimed: 0n,
    reason,
    tx: null,
    submittedBy: null,
  });
  if (latestEpoch === noEpoch) return nothing("no-root", null, 0n);
  const epoch = Number(latestEpoch);
  const proof = await oracle.getProof(epoch, account);
  if (!proof) return nothing("no-earnings", epoch, 0n);
  if (proof.account.toLowerCase() !== account.toLowerCase()) {
    throw new RemoteError("the oracle answered a proof for another account", {
      details: { asked: account, answered: proof.account, oracle: oracle.url },
    });
  }
  if (!verifyEarningsProof(latestRoot, account, proof.cumulativeAmount, proof.proof)) {
    throw new RemoteError("the oracle's proof does not match the root posted on chain", {
      details: { epoch, account, cumulativeAmount: proof.cumulativeAmount.toString(), root: latestRoot },
      hint: "Nothing was sent. Ask another oracle (--oracle), or wait if a new root was posted just now.",
    });
  }
  if (proof.cumulativeAmount <= previouslyClaimed) return nothing("already-claimed", epoch, proof.cumulativeAmount);
  const receipt = await writeContractAndWait(client, wallet, {
    address: rewards,
    abi: rewardsAbi,
    functionName: "claim",
    args: [account, proof.cumulativeAmount, proof.proof],
  });
  return {
    account,
    epoch,
    cumulative: proof.cumulativeAmount,
    previouslyClaimed,
    claimed: proof.cumulativeAmount - previouslyClaimed,
    reason: null,
    tx: receipt.transactionHash,
    submittedBy: wallet.account.address,
  };
}
