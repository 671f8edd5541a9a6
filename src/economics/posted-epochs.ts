// Posted epochs from chain alone: each RootPosted event and the window of chain history it closes. Revenue is
// attributed by post time (Rewards.revenueOf), so an epoch's window is everything after the previous root's post
// up to and including its own post transaction (the post's slashes belong to it).
import type { Hex, PublicClient } from "viem";
import { type Deployment, rewardsAbi, wrapChainError } from "../chain/index.ts";

/** A position in chain history: block, then log index within it. */
export interface ChainPosition {
  block: bigint;
  logIndex: number;
}

export interface PostedEpoch {
  epoch: number;
  earningsRoot: Hex;
  cumulativeTotal: bigint;
  emission: bigint;
  /** Escrow's cumulative revenue counter at the post. */
  cumulativeRevenue: bigint;
  /** Unix seconds of the post. */
  postedAt: number;
  signers: readonly Hex[];
  transactionHash: Hex;
  /** The window: after `from` (exclusive; null = from the deployment) up to `to` (the RootPosted log, inclusive). */
  from: ChainPosition | null;
  to: ChainPosition;
}

export function comparePositions(a: ChainPosition, b: ChainPosition): number {
  if (a.block !== b.block) return a.block < b.block ? -1 : 1;
  return a.logIndex - b.logIndex;
}

/** The epoch whose window holds `at`, or undefined when it falls after the last post (or before the first window). */
export function epochAt(posted: readonly PostedEpoch[], at: ChainPosition): PostedEpoch | undefined {
  let lo = 0;
  let hi = posted.length - 1;
  let found: PostedEpoch | undefined;
  // The first epoch whose post is at or after `at`.
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = posted[mid] as PostedEpoch;
    if (comparePositions(candidate.to, at) >= 0) {
      found = candidate;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (found?.from && comparePositions(at, found.from) <= 0) return undefined;
  return found;
}

/** Every posted epoch in order, read from RootPosted events since the deployment block. */
export async function getPostedEpochs(client: PublicClient, deployment: Deployment): Promise<PostedEpoch[]> {
  let logs: Awaited<ReturnType<typeof fetchRootLogs>>;
  try {
    logs = await fetchRootLogs(client, deployment);
  } catch (error) {
    throw wrapChainError(error, "reading RootPosted events");
  }
  const sorted = [...logs].sort((a, b) =>
    comparePositions(
      { block: a.blockNumber ?? 0n, logIndex: a.logIndex ?? 0 },
      { block: b.blockNumber ?? 0n, logIndex: b.logIndex ?? 0 },
    ),
  );
  const blockTimes = new Map<bigint, number>();
  const posted: PostedEpoch[] = [];
  for (const log of sorted) {
    const block = log.blockNumber ?? 0n;
    if (!blockTimes.has(block)) {
      try {
        blockTimes.set(block, Number((await client.getBlock({ blockNumber: block })).timestamp));
      } catch (error) {
        throw wrapChainError(error, "reading a post's block");
      }
    }
    const args = log.args;
    posted.push({
      epoch: Number(args.epoch ?? 0n),
      earningsRoot: args.earningsRoot as Hex,
      cumulativeTotal: args.cumulativeTotal ?? 0n,
      emission: args.emission ?? 0n,
      cumulativeRevenue: args.cumulativeRevenue ?? 0n,
      postedAt: blockTimes.get(block) ?? 0,
      signers: args.signers ?? [],
      transactionHash: log.transactionHash as Hex,
      from: posted.at(-1)?.to ?? null,
      to: { block, logIndex: log.logIndex ?? 0 },
    });
  }
  return posted;
}

function fetchRootLogs(client: PublicClient, deployment: Deployment) {
  return client.getContractEvents({
    address: deployment.contracts.rewards,
    abi: rewardsAbi,
    eventName: "RootPosted",
    fromBlock: BigInt(deployment.deployBlock),
    toBlock: "latest",
    strict: true,
  });
}

/** The first block a set of epoch windows can touch. */
export function windowStartBlock(deployment: Deployment, first: PostedEpoch | undefined): bigint {
  return first?.from?.block ?? BigInt(deployment.deployBlock);
}
