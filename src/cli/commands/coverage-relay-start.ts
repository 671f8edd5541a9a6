// `gw coverage relay start`: the hotspot's IoT data relay, run from a provider home beside `gw provider start`. A LoRa
// gateway's Semtech packet forwarder points at --udp-port; every device frame it hears is signed with this provider's
// node key and delivered to the packet routers. Vouchers come back through the gateway to the provider daemon.
import { InvalidInputError } from "../../core/errors.ts";
import { createHotspotRelay } from "../../resources/coverage/data/index.ts";
import { createSemtechUdpRadio } from "../../resources/coverage/radio/semtech/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag, toJsonLine } from "../format.ts";
import { loadProviderSetup } from "../provider-setup.ts";
import { waitForStopSignal } from "../stop-signal.ts";

export const coverageRelayStartCommand = defineCommand({
  words: ["coverage", "relay", "start"],
  summary: "relay device packets heard by this hotspot's LoRa gateway (Semtech UDP) to packet routers",
  usage: "--router URL... [--udp-host 127.0.0.1] [--udp-port 1700] [--gateway-eui EUI]... [--node-password-file FILE]",
  options: {
    router: { type: "string", multiple: true },
    "udp-host": { type: "string" },
    "udp-port": { type: "string" },
    "gateway-eui": { type: "string", multiple: true },
    "node-password-file": { type: "string" },
  },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const routers = ((values.router as string[] | undefined) ?? []).map((u) => u.replace(/\/+$/, ""));
    if (routers.length === 0) throw new InvalidInputError("give at least one --router URL");
    for (const url of routers) {
      if (!/^https?:\/\/[^\s]+$/.test(url)) throw new InvalidInputError(`invalid --router ${url}`);
    }
    const euis = (values["gateway-eui"] as string[] | undefined)?.map((e) => e.toLowerCase());
    for (const eui of euis ?? []) {
      if (!/^[0-9a-f]{16}$/.test(eui))
        throw new InvalidInputError(`invalid --gateway-eui ${eui}`, { hint: "16 hex digits" });
    }
    const udpPort = parseIntegerFlag(values["udp-port"], "udp-port", 1700, 0, 65535);
    const udpHost = typeof values["udp-host"] === "string" ? values["udp-host"] : "127.0.0.1";
    const setup = await loadProviderSetup(ctx, values["node-password-file"] as string | undefined);
    const radio = await createSemtechUdpRadio({
      port: udpPort,
      host: udpHost,
      ...(euis ? { gatewayEuis: euis } : {}),
      log: (level, message, fields) => ctx.log(`${level}: ${message} ${JSON.stringify(fields ?? {})}`),
    });
    const relay = createHotspotRelay({ radio, nodeKey: setup.nodeKey, routers, log: ctx.log });
    const summary = { status: "running", udpHost, udpPort: radio.port, nodeKey: setup.nodeKey.publicKey, routers };
    if (ctx.options.json) process.stdout.write(`${toJsonLine(summary)}\n`);
    else
      process.stdout.write(
        `hotspot relay running: packet forwarder → udp://${udpHost}:${radio.port}; routers ${routers.join(", ")}\nCtrl-C stops it.\n`,
      );
    const signal = await stopping;
    await relay.close();
    await radio.close();
    const stats = relay.stats();
    return {
      json: { status: "stopped", signal, stats, radio: radio.stats() },
      text: `stopped: ${stats.paid} paid, ${stats.duplicate} duplicates, ${stats.failed} failed deliveries`,
    };
  },
});
