// `gw provider status`: this node on chain (registered, owner, stake, unbonding, jail, active) and, when the
// daemon runs, its own /status. Needs no password.
import { getRegisteredProvider, wrapChainError } from "../../chain/index.ts";
import { StateError } from "../../core/errors.ts";
import { providerPaths, readProviderConfig } from "../../provider/index.ts";
import { readNodePublicKey } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";
import { formatToken } from "../format.ts";

async function fetchDaemonStatus(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export const providerStatusCommand = defineCommand({
  words: ["provider", "status"],
  summary: "this node on chain, and its daemon if it runs",
  usage: "",
  options: {},
  async run(ctx) {
    const home = ctx.options.home;
    const config = readProviderConfig(home);
    const nodeKey = readNodePublicKey(providerPaths(home).nodeKey);
    if (!nodeKey) throw new StateError("no node key in this home", { hint: "Run `gw provider init` first." });
    const { contracts, chainId } = ctx.deployment();
    let record: Awaited<ReturnType<typeof getRegisteredProvider>>;
    try {
      record = await getRegisteredProvider(ctx.publicClient(), { chainId, registry: contracts.registry, nodeKey });
    } catch (error) {
      throw wrapChainError(error, "reading the registry");
    }
    const chain = record
      ? {
          registered: true,
          owner: record.owner,
          stake: formatToken(record.stake),
          unbonding: formatToken(record.unbonding),
          jailedUntil: record.jailedUntil,
          active: record.active,
          bindingValid: record.bindingValid,
        }
      : { registered: false, active: false };
    const host = config.control.host.includes(":") ? `[${config.control.host}]` : config.control.host;
    const daemon = config.control.port
      ? await fetchDaemonStatus(`http://${host}:${config.control.port}/status`)
      : undefined;
    const json = { nodeKey, owner: config.owner, chain, daemon: daemon ?? { running: false } };
    const lines = [
      `node key  ${nodeKey}`,
      `owner     ${config.owner}`,
      record
        ? `chain     registered; stake ${chain.stake} GWK, unbonding ${chain.unbonding} GWK; ${record.active ? "active" : "NOT active"}${record.jailedUntil * 1000 > Date.now() ? `; jailed until ${new Date(record.jailedUntil * 1000).toISOString()}` : ""}`
        : "chain     not registered (`gw provider stake`)",
    ];
    if (daemon) {
      const gateways = (daemon.gateways as { url: string; connected: boolean }[] | undefined) ?? [];
      lines.push(
        `daemon    running; ${daemon.running} running, ${daemon.completed} completed, ${daemon.failed} failed`,
        ...gateways.map((g) => `  ${g.connected ? "connected   " : "disconnected"} ${g.url}`),
      );
    } else {
      lines.push("daemon    not running");
    }
    return { json, text: lines.join("\n") };
  },
});
