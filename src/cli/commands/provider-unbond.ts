// `gw provider unbond AMOUNT` starts unbonding part of the stake; `--withdraw` collects what finished unbonding.
import { getRegisteredProvider, providerRegistryAbi, wrapChainError, writeContractAndWait } from "../../chain/index.ts";
import { InvalidInputError, StateError } from "../../core/errors.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseTokenAmount } from "../format.ts";
import { loadProviderSetup } from "../provider-setup.ts";

export const providerUnbondCommand = defineCommand({
  words: ["provider", "unbond"],
  summary: "start unbonding stake (or --withdraw what has unbonded)",
  usage: "AMOUNT | --withdraw [--node-password-file FILE]",
  options: { withdraw: { type: "boolean" }, "node-password-file": { type: "string" } },
  async run(ctx, { values, positionals }) {
    const withdraw = values.withdraw === true;
    if (withdraw === (positionals[0] !== undefined)) {
      throw new InvalidInputError("give either an AMOUNT to unbond or --withdraw");
    }
    const amount = withdraw ? 0n : parseTokenAmount(positionals[0]);
    const { nodeKey, wallet } = await loadProviderSetup(ctx, values["node-password-file"] as string | undefined);
    const { contracts, chainId } = ctx.deployment();
    const client = ctx.publicClient();
    const params = { chainId, registry: contracts.registry, nodeKey: nodeKey.publicKey };
    let registered: Awaited<ReturnType<typeof getRegisteredProvider>>;
    try {
      registered = await getRegisteredProvider(client, params);
    } catch (error) {
      throw wrapChainError(error, "reading the registry");
    }
    if (!registered) throw new StateError("this node key is not registered", { hint: "`gw provider stake` first." });
    if (registered.owner.toLowerCase() !== wallet.account.address.toLowerCase()) {
      throw new StateError("this node key is registered to another owner", {
        details: { registeredOwner: registered.owner },
      });
    }
    if (!withdraw && amount > registered.stake) {
      throw new InvalidInputError("cannot unbond more than the bonded stake", {
        details: { stake: formatToken(registered.stake), amount: formatToken(amount) },
      });
    }
    const receipt = withdraw
      ? await writeContractAndWait(client, wallet, {
          address: contracts.registry,
          abi: providerRegistryAbi,
          functionName: "withdrawUnbonded",
          args: [nodeKey.publicKey],
        })
      : await writeContractAndWait(client, wallet, {
          address: contracts.registry,
          abi: providerRegistryAbi,
          functionName: "unbond",
          args: [nodeKey.publicKey, amount],
        });
    const record = await client.readContract({
      address: contracts.registry,
      abi: providerRegistryAbi,
      functionName: "getProvider",
      args: [nodeKey.publicKey],
    });
    const json = {
      nodeKey: nodeKey.publicKey,
      action: withdraw ? "withdrawUnbonded" : "unbond",
      stake: formatToken(record.stake),
      unbonding: formatToken(record.unbonding),
      releaseTime: Number(record.unbondingReleaseTime),
      tx: receipt.transactionHash,
    };
    return {
      json,
      text: withdraw
        ? `withdrew unbonded stake; bonded ${json.stake} GWK, unbonding ${json.unbonding} GWK`
        : `unbonding ${json.unbonding} GWK, released at ${new Date(json.releaseTime * 1000).toISOString()}; bonded ${json.stake} GWK`,
    };
  },
});
