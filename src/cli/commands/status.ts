// `gw status`: the deployment this home points at, whether its chain answers, the current epoch, and the API and
// dashboard URLs of the local network running from this home.

import { z } from "zod";
import { rewardsAbi } from "../../chain/index.ts";
import { readJsonFile } from "../../core/json-file.ts";
import { localnetStatePath } from "../../localnet/index.ts";
import { defineCommand } from "../command.ts";

const localnetSchema = z.object({
  pid: z.number(),
  startedAt: z.string(),
  services: z.array(
    z.object({ name: z.string(), url: z.string(), pid: z.number().optional(), nodeKey: z.string().optional() }),
  ),
});

export const statusCommand = defineCommand({
  words: ["status"],
  summary: "what is running, endpoints, current epoch",
  usage: "",
  options: {},
  async run(ctx) {
    const deployment = ctx.deployment();
    const localnet = readJsonFile(localnetStatePath(ctx.options.home), localnetSchema);
    const client = ctx.publicClient();
    let chain: Record<string, unknown>;
    let epoch: Record<string, unknown> = {
      duration: deployment.epoch.duration,
      genesisTime: deployment.epoch.genesisTime,
    };
    try {
      const [chainId, blockNumber, current, next] = await Promise.all([
        client.getChainId(),
        client.getBlockNumber(),
        client.readContract({ address: deployment.contracts.rewards, abi: rewardsAbi, functionName: "currentEpoch" }),
        client.readContract({ address: deployment.contracts.rewards, abi: rewardsAbi, functionName: "nextEpoch" }),
      ]);
      chain = { reachable: true, rpcUrl: deployment.rpcUrl, chainId, blockNumber: Number(blockNumber) };
      epoch = { ...epoch, current: Number(current), nextToPost: Number(next) };
    } catch (cause) {
      chain = { reachable: false, rpcUrl: deployment.rpcUrl, error: (cause as Error).message.split("\n")[0] };
    }
    const services = localnet?.services ?? [];
    const json = {
      home: ctx.options.home,
      running: chain.reachable === true,
      chain,
      contracts: deployment.contracts,
      deployBlock: deployment.deployBlock,
      epoch,
      // The indexer's API and the dashboard it serves (null when this home runs no local network with one).
      apiUrl: services.find((s) => s.name === "api")?.url ?? null,
      dashboardUrl: services.find((s) => s.name === "dashboard")?.url ?? null,
      services,
    };
    const text = [
      `network   ${json.running ? "running" : "not reachable"} (${deployment.rpcUrl}, chain id ${deployment.chainId})`,
      ...(chain.reachable ? [`block     ${chain.blockNumber}`] : [`error     ${chain.error}`]),
      `epoch     ${epoch.current ?? "?"} (${deployment.epoch.duration}s; next root to post: ${epoch.nextToPost ?? "?"})`,
      ...Object.entries(deployment.contracts).map(([name, address]) => `${name.padEnd(9)} ${address}`),
      ...(json.services.length ? ["services:", ...json.services.map((s) => `  ${s.name.padEnd(8)} ${s.url}`)] : []),
    ].join("\n");
    return { json, text, exitCode: json.running ? 0 : 4 };
  },
});
