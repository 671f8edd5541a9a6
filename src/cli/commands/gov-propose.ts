// `gw gov propose`: one governed call (target, function signature, arguments) put to a token-holder vote. The
// proposal's actions and description are kept in <home>/proposals/<id>.json so vote, execute and status need
// only the id (governor.hashProposal).
import { type Hex, keccak256, stringToBytes } from "viem";
import { groundworkGovernorAbi, tokenAbi, wrapChainError, writeContractAndWait } from "../../chain/index.ts";
import { InvalidInputError, StateError } from "../../core/errors.ts";
import {
  encodeCall,
  getProposalStatus,
  isoTime,
  proposalPath,
  resolveTarget,
  saveProposal,
} from "../../governance/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken } from "../format.ts";

function parseArgsJson(value: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (cause) {
    throw new InvalidInputError("--args-json is not JSON", { cause });
  }
  if (!Array.isArray(parsed)) throw new InvalidInputError("--args-json must be a JSON array of arguments");
  return parsed;
}

export const govProposeCommand = defineCommand({
  words: ["gov", "propose"],
  summary: "propose a governed call (needs delegated votes above the threshold)",
  usage: '--target CONTRACT_OR_ADDRESS --call "fn(type,...)" [--args a,b | --args-json JSON] --description TEXT',
  options: {
    target: { type: "string" },
    call: { type: "string" },
    args: { type: "string" },
    "args-json": { type: "string" },
    description: { type: "string" },
  },
  async run(ctx, { values }) {
    const need = (flag: string) => {
      const v = values[flag];
      if (typeof v !== "string" || v.trim() === "") throw new InvalidInputError(`--${flag} is required`);
      return v;
    };
    const targetText = need("target");
    const signatureText = need("call");
    const description = need("description");
    if (values.args !== undefined && values["args-json"] !== undefined) {
      throw new InvalidInputError("give --args or --args-json, not both");
    }
    const deployment = ctx.deployment();
    const target = resolveTarget(targetText, deployment);
    const call = encodeCall({
      signature: signatureText,
      args:
        values["args-json"] !== undefined
          ? parseArgsJson(values["args-json"] as string)
          : ((values.args as string) ?? ""),
      deployment,
    });
    const governor = deployment.contracts.governor;
    const client = ctx.publicClient();
    const { wallet } = await ctx.wallet();
    const proposer = wallet.account.address;
    const targets: Hex[] = [target.address];
    const valuesWei = [0n];
    const calldatas: Hex[] = [call.calldata];
    const descriptionHash = keccak256(stringToBytes(description));

    let id: bigint;
    try {
      const [clock, threshold] = await Promise.all([
        client.readContract({ address: governor, abi: groundworkGovernorAbi, functionName: "clock" }),
        client.readContract({ address: governor, abi: groundworkGovernorAbi, functionName: "proposalThreshold" }),
      ]);
      // The governor counts votes one second before the proposal's block; votes delegated this very second
      // count once the next block lands, so the current votes decide whether to try.
      const [settled, current] = await Promise.all([
        client.readContract({
          address: governor,
          abi: groundworkGovernorAbi,
          functionName: "getVotes",
          args: [proposer, BigInt(clock) - 1n],
        }),
        client.readContract({
          address: deployment.contracts.token,
          abi: tokenAbi,
          functionName: "getVotes",
          args: [proposer],
        }),
      ]);
      if (settled < threshold && current < threshold) {
        throw new StateError("not enough voting power to propose", {
          details: { votes: formatToken(current), threshold: formatToken(threshold), proposer },
          hint: "Votes count once delegated: `gw gov delegate` (to yourself) first, then propose.",
        });
      }
      id = await client.readContract({
        address: governor,
        abi: groundworkGovernorAbi,
        functionName: "hashProposal",
        args: [targets, valuesWei, calldatas, descriptionHash],
      });
      const snapshot = await client.readContract({
        address: governor,
        abi: groundworkGovernorAbi,
        functionName: "proposalSnapshot",
        args: [id],
      });
      if (snapshot !== 0n) {
        throw new StateError("this exact proposal already exists", {
          details: { id: id.toString() },
          hint: "`gw gov status ID` shows it; change the description to propose the same call again.",
        });
      }
    } catch (error) {
      throw wrapChainError(error, "preparing the proposal");
    }
    const receipt = await writeContractAndWait(client, wallet, {
      address: governor,
      abi: groundworkGovernorAbi,
      functionName: "propose",
      args: [targets, valuesWei, calldatas, description],
    });
    const rawArgs =
      values["args-json"] !== undefined
        ? parseArgsJson(values["args-json"] as string).map((a) => (typeof a === "string" ? a : JSON.stringify(a)))
        : typeof values.args === "string"
          ? values.args.split(",").map((a) => a.trim())
          : [];
    const path = saveProposal(ctx.options.home, {
      version: 1,
      id: id.toString(),
      chainId: deployment.chainId,
      governor,
      targets,
      values: valuesWei.map(String),
      calldatas,
      description,
      descriptionHash,
      actions: [{ target: target.name ?? target.address, signature: call.signature, args: rawArgs }],
      proposer,
      proposedAt: new Date().toISOString(),
      tx: receipt.transactionHash,
    });
    const status = await getProposalStatus(client, governor, id);
    return {
      json: {
        id: id.toString(),
        state: status.state,
        target: target.address,
        targetName: target.name,
        call: call.signature,
        calldata: call.calldata,
        description,
        voteStart: status.voteStart,
        voteEnd: status.voteEnd,
        proposer,
        tx: receipt.transactionHash,
        file: path,
      },
      text: [
        `proposed ${call.signature} on ${target.name ?? target.address}`,
        `id        ${id}`,
        `voting    ${isoTime(status.voteStart)} → ${isoTime(status.voteEnd)} (chain time)`,
        `saved     ${proposalPath(ctx.options.home, id)}`,
        `next      gw gov vote ${id} --support for`,
      ].join("\n"),
    };
  },
});
