// `gw gov status ID`: the proposal's state, vote window, tallies against quorum, ETA, and its actions when this
// home proposed it.
import { getProposalStatus, isoTime, parseProposalId, readProposal } from "../../governance/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken } from "../format.ts";

export const govStatusCommand = defineCommand({
  words: ["gov", "status"],
  summary: "a proposal's state, votes and ETA",
  usage: "PROPOSAL_ID",
  options: {},
  async run(ctx, { positionals }) {
    const id = parseProposalId(positionals[0]);
    const status = await getProposalStatus(ctx.publicClient(), ctx.deployment().contracts.governor, id);
    const stored = readProposal(ctx.options.home, id);
    const json = {
      id: id.toString(),
      state: status.state,
      proposer: status.proposer,
      voteStart: status.voteStart,
      voteEnd: status.voteEnd,
      votes: {
        for: formatToken(status.votes.for),
        against: formatToken(status.votes.against),
        abstain: formatToken(status.votes.abstain),
      },
      quorum: formatToken(status.quorum),
      eta: status.eta || null,
      now: status.now,
      description: stored?.description ?? null,
      actions: stored?.actions ?? null,
    };
    const lines = [
      `proposal ${id}: ${status.state}`,
      `voting   ${isoTime(status.voteStart)} → ${isoTime(status.voteEnd)}; chain time now ${isoTime(status.now)}`,
      `votes    for ${json.votes.for}, against ${json.votes.against}, abstain ${json.votes.abstain}; quorum ${json.quorum} (for + abstain)`,
    ];
    if (status.eta) lines.push(`eta      ${isoTime(status.eta)}`);
    if (stored) {
      lines.push(`about    ${stored.description}`);
      for (const a of stored.actions) lines.push(`action   ${a.target}.${a.signature} (${a.args.join(", ")})`);
    }
    return { json, text: lines.join("\n") };
  },
});
