// The gateway side of the Semtech UDP protocol, for simulation: what a LoRa concentrator's packet forwarder sends to
// its host. `gw coverage device send` uses it to put a device's frame "on air" at each hotspot in range, as rxpk with
// the signal that hotspot would measure; it waits for each PUSH_ACK (same token) and retries once.
import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { TimeoutError } from "../../../../core/errors.ts";
import { decodeGwmp, encodeGwmp, formatLoraDatr, type Rxpk } from "./gwmp-packet.ts";

export interface UdpPacketForwarder {
  /** Sends one PUSH_DATA and resolves on its PUSH_ACK. */
  push(rxpk: Rxpk[]): Promise<void>;
  close(): Promise<void>;
}

export async function createUdpPacketForwarder(options: {
  host: string;
  port: number;
  gatewayEui: string;
  ackTimeoutMs?: number;
}): Promise<UdpPacketForwarder> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const waiting = new Map<number, () => void>();
  socket.on("message", (bytes) => {
    try {
      const packet = decodeGwmp(bytes);
      if (packet.kind === "push-ack") waiting.get(packet.token)?.();
    } catch {
      // Not for us: a forwarder ignores what it cannot parse.
    }
  });
  const ackTimeoutMs = options.ackTimeoutMs ?? 1_000;
  const attempt = (datagram: Buffer, token: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(token);
        resolve(false);
      }, ackTimeoutMs);
      waiting.set(token, () => {
        clearTimeout(timer);
        waiting.delete(token);
        resolve(true);
      });
      socket.send(datagram, options.port, options.host);
    });
  return {
    async push(rxpk) {
      const token = randomInt(0, 0x10000);
      const datagram = encodeGwmp({ kind: "push-data", token, gatewayEui: options.gatewayEui, rxpk, stat: undefined });
      if ((await attempt(datagram, token)) || (await attempt(datagram, token))) return;
      throw new TimeoutError("no PUSH_ACK from the host", { details: { host: options.host, port: options.port } });
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** The rxpk a concentrator would report for `payload` heard now with this signal. */
export function rxpkFor(params: {
  payload: Uint8Array;
  frequencyHz: number;
  spreadingFactor: number;
  bandwidthHz: number;
  rssiDbm: number;
  snrDb: number;
  now: number;
}): Rxpk {
  return {
    time: new Date(params.now).toISOString(),
    tmst: (params.now * 1000) % 0x100000000,
    freq: params.frequencyHz / 1e6,
    chan: 0,
    rfch: 0,
    stat: 1,
    modu: "LORA",
    datr: formatLoraDatr(params.spreadingFactor, params.bandwidthHz),
    codr: "4/5",
    rssi: params.rssiDbm,
    lsnr: params.snrDb,
    size: params.payload.length,
    data: Buffer.from(params.payload).toString("base64"),
  };
}
