// `gw gov delegate [ADDRESS]`: token votes count only once delegated; this delegates the wallet's votes to ADDRESS
// (itself by default).
import type { Hex } from "viem";
import { tokenAbi, writeContractAndWait } from "../../chain/index.ts";
import { parseAddress } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken } from "../format.ts";

export const govDelegateCommand = defineCommand({
  words: ["gov", "delegate"],
  summary: "delegate this wallet's voting power (to itself by default)",
  usage: "[ADDRESS]",
  options: {},
  async run(ctx, { positionals }) {
    const explicit = positionals[0] === undefined ? undefined : parseAddress(positionals[0], "delegate address");
    const { token } = ctx.deployment().contracts;
    const client = ctx.publicClient();
    const { wallet } = await ctx.wallet();
    const delegatee: Hex = explicit ?? wallet.account.address;
    const receipt = await writeContractAndWait(client, wallet, {
      address: token,
      abi: tokenAbi,
      functionName: "delegate",
      args: [delegatee],
    });
    const [balance, votes] = await Promise.all([
      client.readContract({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [wallet.account.address] }),
      client.readContract({ address: token, abi: tokenAbi, functionName: "getVotes", args: [delegatee] }),
    ]);
    return {
      json: {
        delegator: wallet.account.address,
        delegatee,
        balance: formatToken(balance),
        votes: formatToken(votes),
        tx: receipt.transactionHash,
      },
      text: `delegated the votes of ${formatToken(balance)} GWK to ${delegatee === wallet.account.address ? "yourself" : delegatee}; it now holds ${formatToken(votes)} votes (they count for proposals made from now on)`,
    };
  },
});
