// `gw coverage device send`: a simulated device transmits frames. Each frame is put "on air" at every listed
// hotspot as its LoRa concentrator would report it (a PUSH_DATA rxpk to the hotspot's Semtech UDP port, with the
// given signal), so the hotspots' real radio drivers hear it. The device's frame counter is saved before each send.
import { existsSync } from "node:fs";
import { InvalidInputError } from "../../core/errors.ts";
import { iotDataPaths, maxUplinkPayloadBytes, nextUplink } from "../../resources/coverage/data/index.ts";
import { createUdpPacketForwarder, rxpkFor } from "../../resources/coverage/radio/semtech/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag } from "../format.ts";

interface HotspotTarget {
  host: string;
  port: number;
  rssiDbm: number;
}

function parseHotspot(value: string, defaultRssi: number): HotspotTarget {
  const match = /^([^:,]+):(\d{1,5})(?:,(-?\d{1,3}(?:\.\d+)?))?$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) {
    throw new InvalidInputError(`invalid --hotspot ${value}`, {
      hint: "HOST:PORT or HOST:PORT,RSSI (dBm), e.g. 127.0.0.1:1700,-95",
    });
  }
  return { host: match[1] as string, port, rssiDbm: match[3] === undefined ? defaultRssi : Number(match[3]) };
}

export const coverageDeviceSendCommand = defineCommand({
  words: ["coverage", "device", "send"],
  summary: "send frames from a simulated device to the hotspots that hear it (their Semtech UDP ports)",
  usage:
    "--device ID|FILE --hotspot HOST:PORT[,RSSI]... [--count 1] [--payload TEXT] [--interval-ms 0] [--sf 7] [--freq-mhz 868.1] [--rssi -90] [--snr 5]",
  options: {
    device: { type: "string" },
    hotspot: { type: "string", multiple: true },
    count: { type: "string" },
    payload: { type: "string" },
    "interval-ms": { type: "string" },
    sf: { type: "string" },
    "freq-mhz": { type: "string" },
    rssi: { type: "string" },
    snr: { type: "string" },
  },
  async run(ctx, { values }) {
    const device = values.device;
    if (typeof device !== "string" || device.length === 0) throw new InvalidInputError("--device ID|FILE is required");
    const file = existsSync(device) ? device : iotDataPaths(ctx.options.home).deviceCredentials(device);
    const rssi = Number(values.rssi ?? -90);
    const snr = Number(values.snr ?? 5);
    const freqMhz = Number(values["freq-mhz"] ?? 868.1);
    if (!Number.isFinite(rssi) || !Number.isFinite(snr) || !(freqMhz > 0 && freqMhz < 10_000)) {
      throw new InvalidInputError("--rssi, --snr and --freq-mhz take numbers");
    }
    const targets = ((values.hotspot as string[] | undefined) ?? []).map((h) => parseHotspot(h, rssi));
    if (targets.length === 0) throw new InvalidInputError("give at least one --hotspot HOST:PORT");
    const count = parseIntegerFlag(values.count, "count", 1, 1, 1_000_000);
    const intervalMs = parseIntegerFlag(values["interval-ms"], "interval-ms", 0, 0, 3_600_000);
    const spreadingFactor = parseIntegerFlag(values.sf, "sf", 7, 7, 12);
    const text = typeof values.payload === "string" ? values.payload : undefined;
    if (text !== undefined && Buffer.byteLength(text) > maxUplinkPayloadBytes) {
      throw new InvalidInputError(`--payload is at most ${maxUplinkPayloadBytes} bytes`);
    }
    const forwarders = await Promise.all(
      targets.map((t, i) =>
        createUdpPacketForwarder({
          host: t.host,
          port: t.port,
          gatewayEui: `aa555a00000000${(i + 1).toString(16).padStart(2, "0")}`,
        }),
      ),
    );
    const sent: { counter: number; hotspots: number }[] = [];
    let deviceId = "";
    try {
      for (let n = 0; n < count; n++) {
        if (n > 0 && intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
        const payload = Buffer.from(text ?? `reading ${Date.now()}`);
        const uplink = nextUplink(file, payload);
        deviceId = uplink.deviceId;
        const now = Date.now();
        const heard = await Promise.allSettled(
          forwarders.map((f, i) =>
            f.push([
              rxpkFor({
                payload: uplink.frame,
                frequencyHz: Math.round(freqMhz * 1e6),
                spreadingFactor,
                bandwidthHz: 125_000,
                rssiDbm: (targets[i] as HotspotTarget).rssiDbm,
                snrDb: snr,
                now,
              }),
            ]),
          ),
        );
        for (const [i, r] of heard.entries()) {
          if (r.status === "rejected")
            ctx.log(`hotspot ${targets[i]?.host}:${targets[i]?.port} did not ack: ${(r.reason as Error).message}`);
        }
        sent.push({ counter: uplink.counter, hotspots: heard.filter((r) => r.status === "fulfilled").length });
      }
    } finally {
      await Promise.all(forwarders.map((f) => f.close()));
    }
    const acked = sent.filter((s) => s.hotspots > 0).length;
    return {
      json: { deviceId, frames: sent.length, acked, sent },
      text: `device ${deviceId}: ${sent.length} frame(s) sent, ${acked} heard by at least one hotspot`,
      exitCode: acked === sent.length ? 0 : 4,
    };
  },
});
