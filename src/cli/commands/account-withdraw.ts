// `gw account withdraw`: escrow withdrawals wait a governed delay so providers can redeem vouchers first.
// AMOUNT requests one; --complete pays it out once unlocked; --cancel drops it.
import { escrowAbi, wrapChainError, writeContractAndWait } from "../../chain/index.ts";
import { InvalidInputError, StateError } from "../../core/errors.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseTokenAmount } from "../format.ts";

export const accountWithdrawCommand = defineCommand({
  words: ["account", "withdraw"],
  summary: "request, complete or cancel an escrow withdrawal",
  usage: "AMOUNT | --complete | --cancel",
  options: { complete: { type: "boolean" }, cancel: { type: "boolean" } },
  async run(ctx, { values, positionals }) {
    const modes = [positionals.length > 0, values.complete === true, values.cancel === true].filter(Boolean);
    if (modes.length !== 1) {
      throw new InvalidInputError("say exactly one of AMOUNT, --complete or --cancel");
    }
    const { contracts } = ctx.deployment();
    const client = ctx.publicClient();
    const { account, wallet } = await ctx.wallet();
    const pending = async () => {
      try {
        return await client.readContract({
          address: contracts.escrow,
          abi: escrowAbi,
          functionName: "pendingWithdrawal",
          args: [account.address],
        });
      } catch (error) {
        throw wrapChainError(error, "reading the pending withdrawal");
      }
    };

    if (values.cancel) {
      const receipt = await writeContractAndWait(client, wallet, {
        address: contracts.escrow,
        abi: escrowAbi,
        functionName: "cancelWithdrawal",
        args: [],
      });
      return { json: { cancelled: true, tx: receipt.transactionHash }, text: "withdrawal request cancelled" };
    }
    if (values.complete) {
      const [amount, unlockTime] = await pending();
      if (amount === 0n)
        throw new StateError("no withdrawal requested", { hint: "Request one: gw account withdraw AMOUNT" });
      // The chain's clock decides, not this machine's.
      const now = (await client.getBlock()).timestamp;
      if (now < unlockTime) {
        throw new StateError("the withdrawal is still locked", {
          details: { unlocksAt: new Date(Number(unlockTime) * 1000).toISOString() },
          hint: "Run `gw account withdraw --complete` again after that time.",
        });
      }
      const before = await client.readContract({
        address: contracts.escrow,
        abi: escrowAbi,
        functionName: "depositOf",
        args: [account.address],
      });
      const receipt = await writeContractAndWait(client, wallet, {
        address: contracts.escrow,
        abi: escrowAbi,
        functionName: "withdraw",
        args: [],
      });
      const after = await client.readContract({
        address: contracts.escrow,
        abi: escrowAbi,
        functionName: "depositOf",
        args: [account.address],
      });
      const paid = before - after;
      return {
        json: { withdrawn: formatToken(paid), escrow: formatToken(after), tx: receipt.transactionHash },
        text: `withdrew ${formatToken(paid)} GWK; escrow now ${formatToken(after)} GWK`,
      };
    }
    const amount = parseTokenAmount(positionals[0]);
    const receipt = await writeContractAndWait(client, wallet, {
      address: contracts.escrow,
      abi: escrowAbi,
      functionName: "requestWithdrawal",
      args: [amount],
    });
    const [, unlockTime] = await pending();
    const unlocksAt = new Date(Number(unlockTime) * 1000).toISOString();
    return {
      json: { requested: formatToken(amount), unlocksAt, tx: receipt.transactionHash },
      text: `withdrawal of ${formatToken(amount)} GWK requested; complete it after ${unlocksAt} with \`gw account withdraw --complete\``,
    };
  },
});
