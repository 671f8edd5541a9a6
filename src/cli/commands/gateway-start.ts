// `gw gateway start`: runs a gateway in the foreground until Ctrl-C or SIGTERM. Its node key lives encrypted in
// <home>/gateway/node-key.json (created on first start); reports, the job log and queued vouchers in <home>/gateway/.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createGateway } from "../../gateway/index.ts";
import type { NodeKey } from "../../protocol/index.ts";
import { createNodeKeyFile, loadNodeKeyFile } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";
import type { CliContext } from "../context.ts";
import { parseIntegerFlag, toJsonLine } from "../format.ts";
import { waitForStopSignal } from "../stop-signal.ts";

/** Unlocks the gateway's node key, creating and encrypting a new one on first start. */
async function loadGatewayKey(ctx: CliContext, dir: string): Promise<{ key: NodeKey; created: boolean }> {
  const path = join(dir, "node-key.json");
  if (existsSync(path)) {
    return {
      key: loadNodeKeyFile(path, await ctx.password({ confirm: false, prompt: "Password for the gateway key" })),
      created: false,
    };
  }
  const password = await ctx.password({ confirm: true, prompt: "New password for the gateway key" });
  return { key: createNodeKeyFile(path, password), created: true };
}

export const gatewayStartCommand = defineCommand({
  words: ["gateway", "start"],
  summary: "run a gateway (providers connect over WebSocket, customers over HTTP)",
  usage: "[--host 127.0.0.1] [--port 8600] [--audit-share-bps 1000] [--max-attempts 4] [--blob-cache-mb 1024]",
  options: {
    host: { type: "string" },
    port: { type: "string" },
    "audit-share-bps": { type: "string" },
    "max-attempts": { type: "string" },
    "blob-cache-mb": { type: "string" },
  },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const host = typeof values.host === "string" && values.host.length > 0 ? values.host : "127.0.0.1";
    const port = parseIntegerFlag(values.port, "port", 8600, 0, 65535);
    const auditShareBps = parseIntegerFlag(values["audit-share-bps"], "audit-share-bps", 1000, 0, 10_000);
    const maxAttempts = parseIntegerFlag(values["max-attempts"], "max-attempts", 4, 1, 100);
    const blobCacheMb = parseIntegerFlag(values["blob-cache-mb"], "blob-cache-mb", 1024, 0, 1024 * 1024);
    const deployment = ctx.deployment();
    const dir = join(ctx.options.home, "gateway");
    const { key, created } = await loadGatewayKey(ctx, dir);
    if (created) ctx.log(`created the gateway key ${key.publicKey} in ${join(dir, "node-key.json")}`);
    const gateway = await createGateway({
      deployment,
      publicClient: ctx.publicClient(),
      nodeKey: key,
      storeDir: dir,
      host,
      port,
      auditShareBps,
      maxAttempts,
      blobCacheBytes: blobCacheMb * 1024 * 1024,
      log: ctx.log,
    });
    const summary = { status: "running", url: gateway.url, wsUrl: gateway.wsUrl, key: gateway.key };
    if (ctx.options.json) {
      process.stdout.write(`${toJsonLine(summary)}\n`);
    } else {
      const lines = [
        "Groundwork gateway is running.",
        `  customers  ${gateway.url}`,
        `  providers  ${gateway.wsUrl}`,
        `  key        ${gateway.key}`,
        "Ctrl-C stops it.",
      ];
      process.stdout.write(`${lines.join("\n")}\n`);
    }
    const signal = await stopping;
    ctx.log(`${signal}: stopping`);
    await gateway.close();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});
