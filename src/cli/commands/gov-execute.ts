// `gw gov execute ID`: moves a passed proposal on — queues it in the timelock when it has Succeeded, executes it
// once queued and past its ETA — and says exactly why not otherwise.
import { groundworkGovernorAbi, writeContractAndWait } from "../../chain/index.ts";
import { StateError } from "../../core/errors.ts";
import { getProposalStatus, isoTime, parseProposalId, requireProposal } from "../../governance/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken } from "../format.ts";

export const govExecuteCommand = defineCommand({
  words: ["gov", "execute"],
  summary: "queue a passed proposal, or execute a queued one that is ready",
  usage: "PROPOSAL_ID",
  options: {},
  async run(ctx, { positionals }) {
    const id = parseProposalId(positionals[0]);
    const home = ctx.options.home;
    const { governor } = ctx.deployment().contracts;
    const client = ctx.publicClient();
    const status = await getProposalStatus(client, governor, id);
    const tally = {
      for: formatToken(status.votes.for),
      against: formatToken(status.votes.against),
      abstain: formatToken(status.votes.abstain),
      quorum: formatToken(status.quorum),
    };
    switch (status.state) {
      case "Pending":
      case "Active":
        throw new StateError(`the vote is still ${status.state === "Pending" ? "to open" : "open"}`, {
          details: { voteEnd: isoTime(status.voteEnd), now: isoTime(status.now), ...tally },
          hint: `Run it again after ${isoTime(status.voteEnd)} (chain time).`,
        });
      case "Defeated":
        throw new StateError("the proposal did not pass: it cannot be queued or executed", {
          details: {
            ...tally,
            reason: [
              status.votes.for + status.votes.abstain < status.quorum ? "quorum (for + abstain) not reached" : "",
              status.votes.for <= status.votes.against ? "not more for than against" : "",
            ]
              .filter(Boolean)
              .join("; "),
          },
        });
      case "Canceled":
      case "Expired":
        throw new StateError(`the proposal is ${status.state}: nothing to do`);
      case "Executed":
        throw new StateError("the proposal has already been executed");
      case "Queued":
        if (status.now < status.eta) {
          throw new StateError("the proposal is queued but not ready yet", {
            details: { eta: isoTime(status.eta), now: isoTime(status.now), secondsLeft: status.eta - status.now },
            hint: `Run it again after ${isoTime(status.eta)} (chain time).`,
          });
        }
        break;
      case "Succeeded":
        break;
    }
    const proposal = requireProposal(home, id);
    const args = [
      proposal.targets,
      proposal.values.map((v) => BigInt(v)),
      proposal.calldatas,
      proposal.descriptionHash,
    ] as const;
    const { wallet } = await ctx.wallet();
    const action = status.state === "Succeeded" && status.needsQueuing ? "queue" : "execute";
    const receipt = await writeContractAndWait(client, wallet, {
      address: governor,
      abi: groundworkGovernorAbi,
      functionName: action,
      args,
    });
    const after = await getProposalStatus(client, governor, id);
    return {
      json: {
        id: id.toString(),
        action: action === "queue" ? "queued" : "executed",
        state: after.state,
        eta: after.eta || null,
        tx: receipt.transactionHash,
      },
      text:
        action === "queue"
          ? `queued in the timelock; executable after ${isoTime(after.eta)} (chain time): run \`gw gov execute ${id}\` again then`
          : `executed (tx ${receipt.transactionHash})`,
    };
  },
});
