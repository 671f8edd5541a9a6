// A proposal as the governor sees it now: state, vote window, tallies against quorum, queue ETA, and the chain's
// own clock (block time, which is what the governor and timelock compare against).
import type { Hex, PublicClient } from "viem";
import { groundworkGovernorAbi, wrapChainError } from "../chain/index.ts";
import { StateError } from "../core/errors.ts";

export const proposalStates = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;
export type ProposalStateName = (typeof proposalStates)[number];

export interface ProposalStatus {
  id: bigint;
  state: ProposalStateName;
  proposer: Hex;
  /** Votes are counted at this time; voting opens after it. */
  voteStart: number;
  voteEnd: number;
  votes: { against: bigint; for: bigint; abstain: bigint };
  quorum: bigint;
  /** When a queued proposal may execute (0 when not queued). */
  eta: number;
  needsQueuing: boolean;
  /** The chain's time now (latest block). */
  now: number;
}

export async function getProposalStatus(client: PublicClient, governor: Hex, id: bigint): Promise<ProposalStatus> {
  const read = <T>(functionName: string, args: unknown[] = []) =>
    // biome-ignore lint/suspicious/noExplicitAny: one generic reader over the governor's view functions.
    client.readContract({ address: governor, abi: groundworkGovernorAbi, functionName, args } as any) as Promise<T>;
  let snapshot: bigint;
  try {
    snapshot = await read<bigint>("proposalSnapshot", [id]);
  } catch (error) {
    throw wrapChainError(error, "reading the proposal");
  }
  if (snapshot === 0n) {
    throw new StateError(`no proposal ${id} on this governor`, {
      hint: "Check the id `gw gov propose` printed (and --home / the deployment).",
    });
  }
  try {
    const [state, proposer, deadline, votes, eta, needsQueuing, block] = await Promise.all([
      read<number>("state", [id]),
      read<Hex>("proposalProposer", [id]),
      read<bigint>("proposalDeadline", [id]),
      read<readonly [bigint, bigint, bigint]>("proposalVotes", [id]),
      read<bigint>("proposalEta", [id]),
      read<boolean>("proposalNeedsQueuing", [id]),
      client.getBlock(),
    ]);
    const now = Number(block.timestamp);
    // quorum(t) needs a past timepoint: before the snapshot passes, read it at the latest settled second.
    const quorumAt = snapshot < BigInt(now) ? snapshot : BigInt(now - 1);
    const quorum = await read<bigint>("quorum", [quorumAt]);
    return {
      id,
      state: proposalStates[state] ?? "Pending",
      proposer,
      voteStart: Number(snapshot),
      voteEnd: Number(deadline),
      votes: { against: votes[0], for: votes[1], abstain: votes[2] },
      quorum,
      eta: Number(eta),
      needsQueuing,
      now,
    };
  } catch (error) {
    throw wrapChainError(error, "reading the proposal");
  }
}

export function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
