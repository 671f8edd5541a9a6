// `gw gov vote ID --support for|against|abstain [--reason TEXT]`: casts this wallet's votes (as delegated at the
// proposal's snapshot) while the vote is open.
import { groundworkGovernorAbi, wrapChainError, writeContractAndWait } from "../../chain/index.ts";
import { InvalidInputError, StateError } from "../../core/errors.ts";
import { getProposalStatus, isoTime, parseProposalId } from "../../governance/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken } from "../format.ts";

const supportValues = { against: 0, for: 1, abstain: 2 } as const;

export const govVoteCommand = defineCommand({
  words: ["gov", "vote"],
  summary: "vote on a proposal",
  usage: "PROPOSAL_ID --support for|against|abstain [--reason TEXT]",
  options: { support: { type: "string" }, reason: { type: "string" } },
  async run(ctx, { values, positionals }) {
    const id = parseProposalId(positionals[0]);
    const supportText = values.support;
    if (typeof supportText !== "string" || !(supportText in supportValues)) {
      throw new InvalidInputError(`invalid --support ${String(supportText ?? "(missing)")}`, {
        hint: "One of for, against, abstain.",
      });
    }
    const support = supportValues[supportText as keyof typeof supportValues];
    const reason = typeof values.reason === "string" ? values.reason : undefined;
    const { governor } = ctx.deployment().contracts;
    const client = ctx.publicClient();
    const status = await getProposalStatus(client, governor, id);
    if (status.state !== "Active") {
      throw new StateError(`voting is not open: the proposal is ${status.state}`, {
        details: { voteStart: isoTime(status.voteStart), voteEnd: isoTime(status.voteEnd), now: isoTime(status.now) },
        hint:
          status.state === "Pending"
            ? `Voting opens after ${isoTime(status.voteStart)} (chain time).`
            : "`gw gov status ID` shows the result.",
      });
    }
    const { wallet } = await ctx.wallet();
    const voter = wallet.account.address;
    let weight: bigint;
    try {
      const [voted, votes] = await Promise.all([
        client.readContract({
          address: governor,
          abi: groundworkGovernorAbi,
          functionName: "hasVoted",
          args: [id, voter],
        }),
        client.readContract({
          address: governor,
          abi: groundworkGovernorAbi,
          functionName: "getVotes",
          args: [voter, BigInt(status.voteStart)],
        }),
      ]);
      if (voted) throw new StateError("this wallet has already voted on the proposal", { details: { voter } });
      weight = votes;
    } catch (error) {
      throw wrapChainError(error, "checking the vote");
    }
    if (weight === 0n) {
      throw new StateError("this wallet had no voting power at the proposal's snapshot", {
        details: { voter, snapshot: isoTime(status.voteStart) },
        hint: "Votes count only when delegated before the snapshot: `gw gov delegate`, then vote on later proposals.",
      });
    }
    const receipt =
      reason === undefined
        ? await writeContractAndWait(client, wallet, {
            address: governor,
            abi: groundworkGovernorAbi,
            functionName: "castVote",
            args: [id, support],
          })
        : await writeContractAndWait(client, wallet, {
            address: governor,
            abi: groundworkGovernorAbi,
            functionName: "castVoteWithReason",
            args: [id, support, reason],
          });
    const after = await getProposalStatus(client, governor, id);
    return {
      json: {
        id: id.toString(),
        voter,
        support: supportText,
        weight: formatToken(weight),
        reason: reason ?? null,
        votes: {
          for: formatToken(after.votes.for),
          against: formatToken(after.votes.against),
          abstain: formatToken(after.votes.abstain),
        },
        quorum: formatToken(after.quorum),
        voteEnd: after.voteEnd,
        tx: receipt.transactionHash,
      },
      text: `voted ${supportText} with ${formatToken(weight)} votes; now for ${formatToken(after.votes.for)}, against ${formatToken(after.votes.against)}, abstain ${formatToken(after.votes.abstain)} (quorum ${formatToken(after.quorum)}); voting ends ${isoTime(after.voteEnd)}`,
    };
  },
});
