// `gw coverage air start`: the simulated air that coverage hotspots in separate processes share (one RF world:
// path loss, shadowing, fading, arrival times). Sim radios connect to it by URL. Loopback-only unless --host says
// otherwise. Runs until Ctrl-C or SIGTERM.
import { startAirServer } from "../../resources/coverage/radio/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag, toJsonLine } from "../format.ts";
import { waitForStopSignal } from "../stop-signal.ts";

export const coverageAirStartCommand = defineCommand({
  words: ["coverage", "air", "start"],
  summary: "run the simulated RF air that sim-radio hotspots share",
  usage: "[--host 127.0.0.1] [--port 8620 (0: a free port)] [--seed TEXT]",
  options: { host: { type: "string" }, port: { type: "string" }, seed: { type: "string" } },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const host = typeof values.host === "string" && values.host.length > 0 ? values.host : "127.0.0.1";
    const port = parseIntegerFlag(values.port, "port", 8620, 0, 65535);
    const seed = typeof values.seed === "string" && values.seed.length > 0 ? values.seed : "groundwork-air";
    const air = await startAirServer({ host, port, seed, log: ctx.log });
    const summary = { status: "running", pid: process.pid, url: air.url, seed };
    process.stdout.write(
      ctx.options.json ? `${toJsonLine(summary)}\n` : `simulated air on ${air.url} (seed ${seed})\nCtrl-C stops it.\n`,
    );
    const signal = await stopping;
    ctx.log(`${signal}: stopping`);
    await air.close();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});
