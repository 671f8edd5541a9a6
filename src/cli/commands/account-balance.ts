// `gw account balance`: ether for gas, tokens in the wallet, tokens in escrow and any pending withdrawal.
import type { Hex } from "viem";
import { escrowAbi, tokenAbi, wrapChainError } from "../../chain/index.ts";
import { findAccount, parseAddress } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken } from "../format.ts";

export const accountBalanceCommand = defineCommand({
  words: ["account", "balance"],
  summary: "wallet, escrow and gas balances",
  usage: "[ADDRESS]",
  options: {},
  async run(ctx, { positionals }) {
    const address: Hex = positionals[0]
      ? parseAddress(positionals[0])
      : findAccount(ctx.options.home, ctx.options.account).address;
    const { contracts } = ctx.deployment();
    const client = ctx.publicClient();
    try {
      const [eth, wallet, escrow, pending] = await Promise.all([
        client.getBalance({ address }),
        client.readContract({ address: contracts.token, abi: tokenAbi, functionName: "balanceOf", args: [address] }),
        client.readContract({ address: contracts.escrow, abi: escrowAbi, functionName: "depositOf", args: [address] }),
        client.readContract({
          address: contracts.escrow,
          abi: escrowAbi,
          functionName: "pendingWithdrawal",
          args: [address],
        }),
      ]);
      const [pendingAmount, unlockTime] = pending;
      const json = {
        address,
        eth: formatToken(eth),
        wallet: formatToken(wallet),
        escrow: formatToken(escrow),
        pendingWithdrawal:
          pendingAmount > 0n
            ? { amount: formatToken(pendingAmount), unlocksAt: new Date(Number(unlockTime) * 1000).toISOString() }
            : null,
      };
      const text = [
        `address   ${address}`,
        `wallet    ${json.wallet} GWK`,
        `escrow    ${json.escrow} GWK`,
        ...(json.pendingWithdrawal
          ? [`pending   ${json.pendingWithdrawal.amount} GWK withdrawable from ${json.pendingWithdrawal.unlocksAt}`]
          : []),
        `gas       ${json.eth} ETH`,
      ].join("\n");
      return { json, text };
    } catch (error) {
      throw wrapChainError(error, "reading balances");
    }
  },
});
