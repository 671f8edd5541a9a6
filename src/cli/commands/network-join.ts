// `gw network join --gateway URL [--rpc-url URL]`: points this home at an existing network. The gateway says which
// chain and contracts it serves (GET /v1/info); the chain itself confirms them (same chain id, code at every address,
// the epoch schedule read from Rewards); then <home>/deployment.json is written atomically. Nothing is trusted that
// the chain cannot confirm.
import type { Hex } from "viem";
import {
  createChainPublicClient,
  type Deployment,
  deploymentPath,
  deploymentSchema,
  rewardsAbi,
  wrapChainError,
} from "../../chain/index.ts";
import { InvalidInputError, RemoteError, StateError } from "../../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../../core/json-file.ts";
import { parseGatewayUrl } from "../../protocol/index.ts";
import { createGatewayApi } from "../../sdk/index.ts";
import { defineCommand } from "../command.ts";

/** The local chain's default RPC URL (`npm start`), used when neither --rpc-url nor GW_RPC_URL is given. */
export const defaultRpcUrl = "http://127.0.0.1:8545";

const zeroAddress: Hex = "0x0000000000000000000000000000000000000000";

/** http(s)://host:port of a gateway given as http(s) or ws(s), with or without a path. */
export function gatewayHttpUrl(raw: string): string {
  return parseGatewayUrl(raw).http;
}

function sameNetwork(a: Deployment, b: Deployment): boolean {
  return (
    a.chainId === b.chainId &&
    Object.entries(a.contracts).every(
      ([name, address]) => address.toLowerCase() === b.contracts[name as keyof Deployment["contracts"]].toLowerCase(),
    )
  );
}

export const networkJoinCommand = defineCommand({
  words: ["network", "join"],
  summary: "write this home's deployment.json from a gateway's /v1/info, checked against the chain",
  usage: "--gateway URL [--rpc-url URL]",
  options: { gateway: { type: "string" } },
  async run(ctx, { values }) {
    const gatewayFlag = values.gateway as string | undefined;
    if (!gatewayFlag) {
      throw new InvalidInputError("which network? pass the gateway's URL", {
        hint: "gw network join --gateway http://HOST:PORT --rpc-url http://CHAIN:8545",
      });
    }
    const gatewayUrl = gatewayHttpUrl(gatewayFlag);
    const rpcUrl = ctx.options.rpcUrl ?? defaultRpcUrl;
    try {
      new URL(rpcUrl);
    } catch (cause) {
      throw new InvalidInputError(`invalid --rpc-url ${JSON.stringify(rpcUrl)}`, { cause });
    }

    const info = await createGatewayApi({ url: gatewayUrl }).getInfo();
    const contracts = deploymentSchema.shape.contracts.safeParse(info.contracts);
    if (!contracts.success) {
      throw new RemoteError("the gateway's /v1/info does not name every contract", {
        details: {
          gateway: gatewayUrl,
          issues: contracts.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`),
        },
      });
    }

    // The chain must be the one the gateway serves, and every contract must exist on it.
    const client = createChainPublicClient({ rpcUrl, chainId: info.chainId });
    let chainId: number;
    try {
      chainId = await client.getChainId();
    } catch (error) {
      throw wrapChainError(error, `cannot reach the chain at ${rpcUrl}`);
    }
    if (chainId !== info.chainId) {
      throw new StateError(`the RPC serves chain ${chainId}, the gateway serves chain ${info.chainId}`, {
        details: { rpcUrl, gateway: gatewayUrl },
        hint: "Pass the RPC URL of the gateway's chain with --rpc-url.",
      });
    }
    let genesisTime: bigint;
    let duration: bigint;
    try {
      const codes = await Promise.all(
        Object.entries(contracts.data).map(async ([name, address]) => ({
          name,
          address,
          code: await client.getCode({ address }),
        })),
      );
      const missing = codes.filter((c) => !c.code || c.code === "0x");
      if (missing.length > 0) {
        throw new StateError("the gateway names contracts that do not exist on this chain", {
          details: { rpcUrl, missing: missing.map((m) => `${m.name} ${m.address}`) },
          hint: "The gateway and the RPC belong to different networks, or the chain was reset.",
        });
      }
      [genesisTime, duration] = await Promise.all([
        client.readContract({ address: contracts.data.rewards, abi: rewardsAbi, functionName: "genesisTime" }),
        client.readContract({ address: contracts.data.rewards, abi: rewardsAbi, functionName: "epochDuration" }),
      ]);
    } catch (error) {
      throw wrapChainError(error, "cannot read the network's contracts");
    }

    const deployment = deploymentSchema.parse({
      version: 1,
      chainId,
      rpcUrl,
      // Unknown from the outside: readers that scan events start at block 0.
      deployBlock: 0,
      deployedAt: new Date().toISOString(),
      deployer: zeroAddress,
      contracts: contracts.data,
      epoch: { genesisTime: Number(genesisTime), duration: Number(duration) },
    });
    const path = deploymentPath(ctx.options.home);
    const existing = readJsonFile(path, deploymentSchema);
    if (existing && !sameNetwork(existing, deployment)) {
      throw new StateError("this home already belongs to another network", {
        details: { path, chainId: existing.chainId, registry: existing.contracts.registry },
        hint: "Use a fresh --home for the new network (keys and provider state belong to one network).",
      });
    }
    // Rejoining the same network keeps what deploy recorded and only updates the RPC URL.
    const written = existing ? { ...existing, rpcUrl } : deployment;
    writeJsonAtomic(path, deploymentSchema.parse(written));

    const json = { path, gateway: gatewayUrl, gatewayKey: info.gateway, ...written, updated: existing !== undefined };
    const text = [
      `${existing ? "updated" : "wrote"} ${path}`,
      `  chain     ${rpcUrl} (chain id ${chainId})`,
      `  gateway   ${gatewayUrl} (key ${info.gateway})`,
      ...Object.entries(written.contracts).map(([name, address]) => `  ${name.padEnd(9)} ${address}`),
      `  epochs    ${written.epoch.duration}s each`,
      "Next: gw account create (or import), fund it, then",
      `  gw provider init --gateway ${gatewayUrl} && gw provider stake && gw provider start`,
    ].join("\n");
    return { json, text };
  },
});
