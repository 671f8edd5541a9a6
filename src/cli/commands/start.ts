// `gw start` (what `npm start` runs): the whole local network in the foreground until Ctrl-C or SIGTERM.
import { InvalidInputError } from "../../core/errors.ts";
import {
  localMaxProviders,
  localnetStatePath,
  type OptionalRole,
  optionalRoles,
  startLocalNetwork,
} from "../../localnet/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken, parseIntegerFlag, toJsonLine } from "../format.ts";
import { waitForStopSignal } from "../stop-signal.ts";

export const startCommand = defineCommand({
  words: ["start"],
  summary:
    "run a local network (chain, contracts, gateway, providers, 3 oracles, indexer + API + dashboard) in the foreground",
  usage:
    "[--chain-port 8545] [--gateway-port 8600] [--oracle-port 8610 (0: free ports)] [--api-port 8680] [--air-port 8620 (0: a free port; 0 by default with --oracle-port 0)] [--providers 5] [--epoch-seconds 60] [--audit-share-bps 1000] [--max-attempts 4] [--provider-capacity 2] [--without oracles,indexer]",
  options: {
    "chain-port": { type: "string" },
    "gateway-port": { type: "string" },
    "oracle-port": { type: "string" },
    "api-port": { type: "string" },
    "air-port": { type: "string" },
    providers: { type: "string" },
    "epoch-seconds": { type: "string" },
    "audit-share-bps": { type: "string" },
    "max-attempts": { type: "string" },
    "provider-capacity": { type: "string" },
    without: { type: "string" },
  },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const oraclePort = parseIntegerFlag(values["oracle-port"], "oracle-port", 8610, 0, 65533);
    const network = await startLocalNetwork({
      home: ctx.options.home,
      chainPort: parseIntegerFlag(values["chain-port"], "chain-port", 8545, 1, 65535),
      gatewayPort: parseIntegerFlag(values["gateway-port"], "gateway-port", 8600, 0, 65535),
      oraclePort,
      airPort: parseIntegerFlag(values["air-port"], "air-port", oraclePort === 0 ? 0 : 8620, 0, 65535),
      apiPort: parseIntegerFlag(values["api-port"], "api-port", 8680, 0, 65535),
      providers: parseIntegerFlag(values.providers, "providers", 5, 0, localMaxProviders),
      epochSeconds: parseIntegerFlag(values["epoch-seconds"], "epoch-seconds", 60, 5, 7 * 24 * 3600),
      ...(values["audit-share-bps"] === undefined
        ? {}
        : { auditShareBps: parseIntegerFlag(values["audit-share-bps"], "audit-share-bps", 1000, 0, 10_000) }),
      ...(values["max-attempts"] === undefined
        ? {}
        : { maxAttempts: parseIntegerFlag(values["max-attempts"], "max-attempts", 4, 1, 100) }),
      ...(values["provider-capacity"] === undefined
        ? {}
        : { providerCapacity: parseIntegerFlag(values["provider-capacity"], "provider-capacity", 2, 1, 64) }),
      without: parseWithout(values.without),
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
      apiUrl: network.apiUrl ?? null,
      dashboardUrl: network.dashboardUrl ?? null,
      customer: { ...network.customer, escrow: formatToken(network.customer.escrow) },
      passwordFile: network.passwordFile,
      demoAccounts: network.demoAccounts.map((a) => ({ ...a, balance: formatToken(a.balance) })),
    };
    if (ctx.options.json) {
      process.stdout.write(`${toJsonLine(summary)}\n`);
    } else {
      const lines = [
        "Groundwork local network is running.",
        `  home       ${ctx.options.home}`,
        `  chain      ${deployment.rpcUrl} (chain id ${deployment.chainId})`,
        ...network.services.filter((s) => s.name !== "chain").map((s) => `  ${s.name.padEnd(10)} ${s.url}`),
        ...Object.entries(deployment.contracts).map(([name, address]) => `  ${name.padEnd(10)} ${address}`),
        `  epochs     ${deployment.epoch.duration}s each`,
        `  customer   ${network.customer.address} (account "${network.customer.account}", ${formatToken(network.customer.escrow)} GWK in escrow)`,
        "  demo accounts (anvil dev keys, local use only; 1,000,000 GWK each at genesis):",
        ...network.demoAccounts.map((a) => `    ${a.address}  key ${a.privateKey}`),
        "",
        "In another terminal:",
        `  export GW_PASSWORD_FILE=${network.passwordFile}`,
        "  npx gw status",
        "  npx gw network stats",
        "  npx gw compute run job.wasm --input data.bin",
        "  npx gw render scene.glb --frames 1-24 --size 640x360 --spp 64 --out frames",
        "  npx gw coverage status    (after an epoch or two: the hotspots' beacons and witnesses)",
        `Logs: ${ctx.options.home}/logs. State: ${localnetStatePath(ctx.options.home)}. Ctrl-C stops everything.`,
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    }

    const signal = await stopping;
    ctx.log(`${signal}: stopping`);
    await network.stop();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});

/** `--without oracles,indexer`: roles a lean network leaves out (a market alone needs neither). */
function parseWithout(value: unknown): ReadonlySet<OptionalRole> {
  const roles = new Set<OptionalRole>();
  for (const word of (typeof value === "string" ? value : "").split(",").map((w) => w.trim())) {
    if (word === "") continue;
    if (!(optionalRoles as readonly string[]).includes(word)) {
      throw new InvalidInputError(`invalid --without ${String(value)}`, {
        details: { role: word },
        hint: `Leave out any of: ${optionalRoles.join(", ")} (comma-separated).`,
      });
    }
    roles.add(word as OptionalRole);
  }
  return roles;
}
