// `gw provider claim`: one Rewards.claim for every unclaimed epoch, with the latest root's proof from an oracle,
// checked locally first. The tokens always go to the owner; any wallet may send the transaction (the owner's by
// default).
import type { Hex } from "viem";
import { createChainWallet } from "../../chain/index.ts";
import { claimRewards } from "../../economics/index.ts";
import { readProviderConfig } from "../../provider/index.ts";
import { findAccount, parseAddress, unlockAccount } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";
import { oracleOption, requireOracle } from "../economics-options.ts";
import { formatToken } from "../format.ts";

const reasons = {
  "no-root": "no epoch root has been posted yet",
  "no-earnings": "this account has no earnings in the latest root",
  "already-claimed": "everything earned up to the latest root is already claimed",
} as const;

export const providerClaimCommand = defineCommand({
  words: ["provider", "claim"],
  summary: "claim every unclaimed epoch's rewards in one transaction",
  usage: "[--oracle URL] [--address ADDRESS]",
  options: { ...oracleOption, address: { type: "string" } },
  async run(ctx, { values }) {
    const oracle = requireOracle(ctx, values.oracle);
    const explicit = typeof values.address === "string" ? parseAddress(values.address) : undefined;
    let config: ReturnType<typeof readProviderConfig> | undefined;
    try {
      config = readProviderConfig(ctx.options.home);
    } catch {
      config = undefined;
    }
    // The sender: --account, else the provider's owner account, else the home's only account.
    const account = findAccount(ctx.options.home, ctx.options.account ?? config?.account);
    const claimFor: Hex = explicit ?? config?.owner ?? account.address;
    const deployment = ctx.deployment();
    const privateKey = unlockAccount(
      account,
      await ctx.password({ confirm: false, prompt: `Password for ${account.name}` }),
    );
    const wallet = createChainWallet({ rpcUrl: deployment.rpcUrl, chainId: deployment.chainId, privateKey });
    const outcome = await claimRewards(ctx.publicClient(), wallet, { deployment, account: claimFor, oracle });
    const json = {
      account: outcome.account,
      epoch: outcome.epoch,
      claimed: formatToken(outcome.claimed),
      cumulative: formatToken(outcome.cumulative),
      previouslyClaimed: formatToken(outcome.previouslyClaimed),
      reason: outcome.reason,
      tx: outcome.tx,
      submittedBy: outcome.submittedBy,
    };
    const text = outcome.reason
      ? `nothing to claim: ${reasons[outcome.reason]} (claimed so far ${json.previouslyClaimed} GWK)`
      : `claimed ${json.claimed} GWK for ${outcome.account} up to epoch ${outcome.epoch}; claimed in all ${json.cumulative} GWK (tx ${outcome.tx})`;
    return { json, text };
  },
});
