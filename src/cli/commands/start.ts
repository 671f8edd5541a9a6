// `gw start` (what `npm start` runs): the whole local network in the foreground until Ctrl-C or SIGTERM.
import { InvalidInputError } from "../../core/errors.ts";
import { startLocalNetwork } from "../../localnet/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken, toJsonLine } from "../format.ts";

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidInputError(`invalid port ${value}`, { hint: "A port is an integer from 1 to 65535." });
  }
  return port;
}

export const startCommand = defineCommand({
  words: ["start"],
  summary: "run a local network (chain and contracts) in the foreground",
  usage: "[--chain-port 8545] [--epoch-seconds 60]",
  options: { "chain-port": { type: "string" }, "epoch-seconds": { type: "string" } },
  async run(ctx, { values }) {
    const epochSeconds = values["epoch-seconds"] === undefined ? 60 : Number(values["epoch-seconds"]);
    if (!Number.isInteger(epochSeconds) || epochSeconds < 5 || epochSeconds > 7 * 24 * 3600) {
      throw new InvalidInputError(`invalid --epoch-seconds ${String(values["epoch-seconds"])}`, {
        hint: "Whole seconds from 5 to 604800.",
      });
    }
    const network = await startLocalNetwork({
      home: ctx.options.home,
      chainPort: parsePort(values["chain-port"] as string | undefined, 8545),
      epochSeconds,
      log: ctx.log,
    });
    const { deployment } = network;
    const summary = {
      status: "running",
      home: ctx.options.home,
      chainId: deployment.chainId,
      rpcUrl: deployment.rpcUrl,
      contracts: deployment.contracts,
      epoch: deployment.epoch,
      services: network.services,
      demoAccounts: network.demoAccounts.map((a) => ({ ...a, balance: formatToken(a.balance) })),
    };
    if (ctx.options.json) {
      process.stdout.write(`${toJsonLine(summary)}\n`);
    } else {
      const lines = [
        "Groundwork local network is running.",
        `  home       ${ctx.options.home}`,
        `  chain      ${deployment.rpcUrl} (chain id ${deployment.chainId})`,
        ...Object.entries(deployment.contracts).map(([name, address]) => `  ${name.padEnd(10)} ${address}`),
        `  epochs     ${deployment.epoch.duration}s each`,
        "  demo accounts (dev keys, local use only):",
        ...network.demoAccounts.map((a) => `    ${a.address}  ${formatToken(a.balance)} GWK  key ${a.privateKey}`),
        "Try `gw status` in another terminal. Ctrl-C stops everything.",
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    }

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    ctx.log(`${signal}: stopping`);
    await network.stop();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});
