// `gw gateway start`: runs a gateway in the foreground until Ctrl-C or SIGTERM. Its node key lives encrypted in
// <home>/gateway/node-key.json (created on first start); reports, the job log and queued vouchers in <home>/gateway/.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidInputError } from "../../core/errors.ts";
import { writeJsonAtomic } from "../../core/json-file.ts";
import { createGateway } from "../../gateway/index.ts";
import { generateNodeKeySeed, type NodeKey, nodeKeyFromSeed } from "../../protocol/index.ts";
import { decryptSecret, encryptSecret } from "../../wallet/index.ts";
import { defineCommand } from "../command.ts";
import type { CliContext } from "../context.ts";
import { toJsonLine } from "../format.ts";

function parseInteger(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`invalid --${name} ${String(value)}`, { hint: `An integer from ${min} to ${max}.` });
  }
  return n;
}

/** Unlocks the gateway's node key, creating and encrypting a new one on first start. */
async function loadGatewayKey(ctx: CliContext, dir: string): Promise<{ key: NodeKey; created: boolean }> {
  const path = join(dir, "node-key.json");
  if (existsSync(path)) {
    let file: unknown;
    try {
      file = JSON.parse(readFileSync(path, "utf8"));
    } catch (cause) {
      throw new InvalidInputError(`${path} is not valid JSON`, { cause, hint: "Restore the file from a backup." });
    }
    const seed = decryptSecret(file, await ctx.password({ confirm: false, prompt: "Password for the gateway key" }));
    return { key: nodeKeyFromSeed(seed), created: false };
  }
  const password = await ctx.password({ confirm: true, prompt: "New password for the gateway key" });
  const seed = generateNodeKeySeed();
  writeJsonAtomic(path, encryptSecret(seed, password, { kind: "node", name: "gateway" }), 0o600);
  return { key: nodeKeyFromSeed(seed), created: true };
}

export const gatewayStartCommand = defineCommand({
  words: ["gateway", "start"],
  summary: "run a gateway (providers connect over WebSocket, customers over HTTP)",
  usage: "[--host 127.0.0.1] [--port 8600] [--audit-share-bps 1000] [--max-attempts 4]",
  options: {
    host: { type: "string" },
    port: { type: "string" },
    "audit-share-bps": { type: "string" },
    "max-attempts": { type: "string" },
  },
  async run(ctx, { values }) {
    const host = typeof values.host === "string" && values.host.length > 0 ? values.host : "127.0.0.1";
    const port = parseInteger("port", values.port, 8600, 0, 65535);
    const auditShareBps = parseInteger("audit-share-bps", values["audit-share-bps"], 1000, 0, 10_000);
    const maxAttempts = parseInteger("max-attempts", values["max-attempts"], 4, 1, 100);
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
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    ctx.log(`${signal}: stopping`);
    await gateway.close();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});
