// `gw provider start`: the provider daemon in the foreground until Ctrl-C or SIGTERM. Logs are JSON lines on
// stderr; with --json, stdout gets one line when it is up and one when it stops.
import { InvalidInputError } from "../../core/errors.ts";
import { createJsonLogger, createProviderDaemon, type LogLevel } from "../../provider/index.ts";
import { defineCommand } from "../command.ts";
import { toJsonLine } from "../format.ts";
import { loadProviderSetup } from "../provider-setup.ts";
import { waitForStopSignal } from "../stop-signal.ts";

const levels = ["debug", "info", "warn", "error"];

export const providerStartCommand = defineCommand({
  words: ["provider", "start"],
  summary: "run the provider daemon in the foreground",
  usage: "[--node-password-file FILE] [--log-level info]",
  options: { "node-password-file": { type: "string" }, "log-level": { type: "string" } },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const level = (values["log-level"] as string | undefined) ?? "info";
    if (!levels.includes(level)) {
      throw new InvalidInputError(`invalid --log-level ${level}`, { hint: `One of ${levels.join(", ")}.` });
    }
    const setup = await loadProviderSetup(ctx, values["node-password-file"] as string | undefined);
    const log = createJsonLogger({ level: level as LogLevel });
    const daemon = createProviderDaemon({
      config: setup.config,
      nodeKey: setup.nodeKey,
      ownerWallet: setup.wallet,
      deployment: ctx.deployment(),
      publicClient: ctx.publicClient(),
      home: ctx.options.home,
      log,
    });
    const { control } = await daemon.start();
    const started = {
      status: "running",
      pid: process.pid,
      nodeKey: setup.nodeKey.publicKey,
      owner: setup.config.owner,
      gateways: setup.config.gateways,
      control,
    };
    process.stdout.write(
      ctx.options.json
        ? `${toJsonLine(started)}\n`
        : `provider ${started.nodeKey} running; control ${control}; gateways ${started.gateways.join(", ") || "(none)"}\n`,
    );
    const signal = await stopping;
    log("info", `${signal}: stopping`, {});
    await daemon.stop();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});
