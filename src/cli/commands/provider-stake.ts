// `gw provider stake [AMOUNT]`: registers this node key (binding it to the owner wallet) with a stake, or adds stake
// to a registered one. The default amount is what the registry requires for the offered types (or the shortfall).
import { type Hex, zeroAddress } from "viem";
import {
  approveStake,
  getRegisteredProvider,
  providerRegistryAbi,
  registerProvider,
  resourceTypeId,
  tokenAbi,
  wrapChainError,
  writeContractAndWait,
} from "../../chain/index.ts";
import { InvalidInputError, StateError } from "../../core/errors.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseTokenAmount } from "../format.ts";
import { loadProviderSetup } from "../provider-setup.ts";

export const providerStakeCommand = defineCommand({
  words: ["provider", "stake"],
  summary: "register this node on chain with a stake, or add stake",
  usage: "[AMOUNT] [--node-password-file FILE]",
  options: { "node-password-file": { type: "string" } },
  async run(ctx, { values, positionals }) {
    const given = positionals[0] === undefined ? undefined : parseTokenAmount(positionals[0]);
    const { config, nodeKey, wallet } = await loadProviderSetup(
      ctx,
      values["node-password-file"] as string | undefined,
    );
    const { contracts, chainId } = ctx.deployment();
    const client = ctx.publicClient();
    const owner = wallet.account.address;
    const types = Object.keys(config.offers).map(resourceTypeId);
    let registered: Awaited<ReturnType<typeof getRegisteredProvider>>;
    let required: bigint;
    let balance: bigint;
    try {
      [registered, required, balance] = await Promise.all([
        getRegisteredProvider(client, { chainId, registry: contracts.registry, nodeKey: nodeKey.publicKey }),
        client.readContract({
          address: contracts.registry,
          abi: providerRegistryAbi,
          functionName: "requiredStake",
          args: [types],
        }),
        client.readContract({ address: contracts.token, abi: tokenAbi, functionName: "balanceOf", args: [owner] }),
      ]);
    } catch (error) {
      throw wrapChainError(error, "reading the registry");
    }
    if (required === 0n) {
      throw new StateError("none of the offered resource types is enabled on this network", {
        details: { offers: Object.keys(config.offers) },
      });
    }
    if (registered && registered.owner.toLowerCase() !== owner.toLowerCase()) {
      throw new StateError("this node key is registered to another owner", {
        details: { nodeKey: nodeKey.publicKey, registeredOwner: registered.owner, you: owner },
        hint: "A node key belongs to one owner. Use a fresh --home (and `gw provider init`) for a new node.",
      });
    }
    let amount: bigint;
    if (given !== undefined) amount = given;
    else if (!registered) amount = required;
    else if (registered.stake < required) amount = required - registered.stake;
    else {
      throw new InvalidInputError("this node already has the required stake", {
        details: { stake: formatToken(registered.stake), required: formatToken(required) },
        hint: "Give an AMOUNT to add more.",
      });
    }
    if (!registered && amount < required) {
      throw new InvalidInputError("stake below the required minimum", {
        details: { amount: formatToken(amount), required: formatToken(required) },
      });
    }
    if (balance < amount) {
      throw new StateError("not enough tokens in the owner wallet", {
        details: { wallet: formatToken(balance), needed: formatToken(amount), owner },
      });
    }
    const txs: Hex[] = [];
    if (!registered) {
      txs.push(
        ...(await registerProvider(client, wallet, {
          deployment: ctx.deployment(),
          nodeKey,
          resourceTypes: types,
          stake: amount,
          ...(config.location ? { h3Cell: BigInt(`0x${config.location.h3Cell}`) } : {}),
        })),
      );
    } else {
      const offered = new Set(registered.resourceTypes.map((t) => t.toLowerCase()));
      const h3Cell = config.location ? BigInt(`0x${config.location.h3Cell}`) : registered.h3Cell;
      if (
        types.length !== offered.size ||
        types.some((t) => !offered.has(t.toLowerCase())) ||
        h3Cell !== registered.h3Cell
      ) {
        // The config offers other types than the registry records: bring the registry up to date too.
        const update = await writeContractAndWait(client, wallet, {
          address: contracts.registry,
          abi: providerRegistryAbi,
          functionName: "updateOffer",
          args: [nodeKey.publicKey, types, registered.endpoint, h3Cell],
        }).catch((error) => {
          ctx.log(`could not update the offered types and location: ${(error as Error).message}`);
          return undefined;
        });
        if (update) txs.push(update.transactionHash);
      }
      const approval = await approveStake(client, wallet, { deployment: ctx.deployment(), amount });
      if (approval) txs.push(approval);
      const receipt = await writeContractAndWait(client, wallet, {
        address: contracts.registry,
        abi: providerRegistryAbi,
        functionName: "addStake",
        args: [nodeKey.publicKey, amount],
      });
      txs.push(receipt.transactionHash);
    }
    const after = await getRegisteredProvider(client, {
      chainId,
      registry: contracts.registry,
      nodeKey: nodeKey.publicKey,
    });
    const json = {
      nodeKey: nodeKey.publicKey,
      owner,
      registered: after !== undefined && after.owner !== zeroAddress,
      action: registered ? "addStake" : "register",
      staked: formatToken(amount),
      stake: formatToken(after?.stake ?? 0n),
      required: formatToken(required),
      active: after?.active ?? false,
      txs,
    };
    return {
      json,
      text: `${registered ? "added" : "registered with"} ${json.staked} GWK stake; total ${json.stake} GWK (required ${json.required}); ${json.active ? "active" : "NOT active"}`,
    };
  },
});
