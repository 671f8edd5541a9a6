// `gw oracle start`: runs an oracle in the foreground until Ctrl-C or SIGTERM. Its wallet is a keystore account
// (--account) in Rewards.oracles(); its store (evidence, bundles, epochs) is <home>/oracle/.
import { join } from "node:path";
import { createOracleDaemon } from "../../oracle/daemon/index.ts";
import { oracleExtensionsOf, resourceTypes } from "../../resources/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag, toJsonLine } from "../format.ts";
import { waitForStopSignal } from "../stop-signal.ts";

const urls = (value: unknown): string[] =>
  ((value as string[] | undefined) ?? []).map((u) => {
    const url = new URL(u.includes("://") ? u : `http://${u}`);
    if (url.protocol === "ws:") url.protocol = "http:";
    if (url.protocol === "wss:") url.protocol = "https:";
    return url.origin;
  });

export const oracleStartCommand = defineCommand({
  words: ["oracle", "start"],
  summary: "run an oracle (liveness challenges, evidence, co-signed epoch roots)",
  usage:
    "[--account NAME] [--host 127.0.0.1] [--port 8610] [--gateway URL]... [--peer URL]... [--grace-ms 5000] " +
    "[--propose-delay-ms 3000] [--challenge-interval-ms N] [--fault-wrong-root (tests only)]",
  options: {
    host: { type: "string" },
    port: { type: "string" },
    gateway: { type: "string", multiple: true },
    peer: { type: "string", multiple: true },
    "grace-ms": { type: "string" },
    "propose-delay-ms": { type: "string" },
    "challenge-interval-ms": { type: "string" },
    "fault-wrong-root": { type: "boolean" },
  },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const host = typeof values.host === "string" && values.host.length > 0 ? values.host : "127.0.0.1";
    const port = parseIntegerFlag(values.port, "port", 8610, 0, 65535);
    const { account, wallet } = await ctx.wallet();
    const interval = values["challenge-interval-ms"];
    const storeDir = join(ctx.options.home, "oracle");
    const chain = { deployment: ctx.deployment(), publicClient: ctx.publicClient() };
    // Resource types' additions (proof of coverage's routes, evidence and reward component), mounted by default.
    const extensions = await oracleExtensionsOf(resourceTypes.values(), { ...chain, wallet, storeDir });
    const daemon = await createOracleDaemon({
      ...chain,
      extensions,
      wallet,
      gateways: urls(values.gateway),
      peers: urls(values.peer),
      storeDir,
      host,
      port,
      graceMs: parseIntegerFlag(values["grace-ms"], "grace-ms", 5000, 0, 3_600_000),
      proposeDelayMs: parseIntegerFlag(values["propose-delay-ms"], "propose-delay-ms", 3000, 0, 3_600_000),
      ...(interval !== undefined
        ? { challengeIntervalMs: parseIntegerFlag(interval, "challenge-interval-ms", 10_000, 100, 86_400_000) }
        : {}),
      ...(values["fault-wrong-root"] === true ? { faults: { wrongRoot: true } } : {}),
      log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
    const summary = {
      status: "running",
      pid: process.pid,
      url: daemon.url,
      oracle: daemon.address,
      account: account.name,
      extensions: extensions.map((e) => e.name),
    };
    process.stdout.write(
      ctx.options.json
        ? `${toJsonLine(summary)}\n`
        : `oracle ${daemon.address} running on ${daemon.url}\nCtrl-C stops it.\n`,
    );
    const signal = await stopping;
    ctx.log(`${signal}: stopping`);
    await daemon.close();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});
