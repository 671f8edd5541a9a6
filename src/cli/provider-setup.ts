// What the `gw provider` commands share: the provider config, the node key and the owner wallet of a home, unlocked
// with the owner's password (or a separate node-key password file).
import { readFileSync } from "node:fs";
import type { Hex } from "viem";
import { type ChainWallet, createChainWallet } from "../chain/index.ts";
import { InvalidInputError, StateError } from "../core/errors.ts";
import type { NodeKey } from "../protocol/index.ts";
import { type ProviderConfig, providerPaths, readProviderConfig } from "../provider/index.ts";
import { findAccount, loadNodeKeyFile, type StoredAccount, unlockAccount } from "../wallet/index.ts";
import type { CliContext } from "./context.ts";

export interface ProviderSetup {
  config: ProviderConfig;
  nodeKey: NodeKey;
  account: StoredAccount;
  wallet: ChainWallet;
}

export function readPasswordFile(path: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\r?\n$/, "");
  } catch (cause) {
    throw new InvalidInputError(`cannot read the password file ${path}`, { cause });
  }
}

/** The owner account of this provider: --account when given, else the one named in the config. */
export function providerAccount(ctx: CliContext, config: ProviderConfig): StoredAccount {
  const account = findAccount(ctx.options.home, ctx.options.account ?? config.account);
  if (account.address.toLowerCase() !== config.owner) {
    throw new StateError(`account ${account.name} is not this provider's owner`, {
      details: { account: account.address, owner: config.owner },
      hint: "Use --account with the account given to `gw provider init`.",
    });
  }
  return account;
}

export async function loadProviderSetup(ctx: CliContext, nodePasswordFile: string | undefined): Promise<ProviderSetup> {
  const config = readProviderConfig(ctx.options.home);
  const account = providerAccount(ctx, config);
  const password = await ctx.password({ confirm: false, prompt: `Password for ${account.name}` });
  const privateKey: Hex = unlockAccount(account, password);
  const nodeKey = loadNodeKeyFile(
    providerPaths(ctx.options.home).nodeKey,
    nodePasswordFile ? readPasswordFile(nodePasswordFile) : password,
  );
  const d = ctx.deployment();
  return {
    config,
    nodeKey,
    account,
    wallet: createChainWallet({ rpcUrl: d.rpcUrl, chainId: d.chainId, privateKey }),
  };
}
