// A RadioDriver on the host side of the Semtech UDP packet forwarder: a LoRa gateway's forwarder sends PUSH_DATA
// (received frames) and PULL_DATA (keepalives that open the downlink path) to this UDP socket; transmit() answers with
// PULL_RESP and waits for the forwarder's TX_ACK. Every datagram is validated; bad ones are counted, logged, dropped.
// A frame with `atNs` goes out at that time: as GPS time (`tmms`), or on the concentrator's microsecond counter
// (`tmst`) mapped from the latest reception that carried both; frames without it go out at once (`imme`).
import { randomInt } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { RemoteError, StateError, TimeoutError } from "../../../../core/errors.ts";
import type { RadioDriver, RadioFrame, Reception, ReceptionListener } from "../radio-driver.ts";
import {
  decodeGwmp,
  encodeGwmp,
  formatLoraDatr,
  type GatewayStat,
  GwmpDecodeError,
  type GwmpPacket,
  parseLoraDatr,
  rxpkArrivalNs,
  rxpkSchema,
  statSchema,
  type Txpk,
  unixNsToGpsMs,
} from "./gwmp-packet.ts";

/**
 * How timed frames are scheduled: `gps` sends `tmms` (the forwarder needs a GPS fix); `counter` sends `tmst`, the
 * concentrator's own microsecond counter, for gateways without GPS or forwarders that ignore `tmms`.
 */
export type TxTiming = "gps" | "counter";

/** A counter reading and the Unix time it stood for (from an rxpk with `tmst` and `tmms` or `time`). */
interface CounterAnchor {
  tmst: number;
  unixNs: bigint;
}

/** The counter wraps every 2^32 µs (71.6 min); a mapping older than half of that could land on the wrong lap. */
const counterWrap = 0x1_0000_0000n;
const maxCounterSpanUs = counterWrap / 2n;

export type RadioLog = (level: "info" | "warn", message: string, fields?: Record<string, unknown>) => void;

export interface SemtechUdpRadioOptions {
  /** Where the forwarder's `serv_port_up` / `serv_port_down` point (one port serves both). 0 picks a free one. */
  port: number;
  host?: string;
  /** Forwarders (gateway EUIs, 16 hex digits) accepted; others are dropped. Undefined accepts any. */
  gatewayEuis?: string[];
  /** How long transmit() waits for TX_ACK. */
  txAckTimeoutMs?: number;
  /** A forwarder whose last PULL_DATA is older than this has no usable downlink path. */
  pullTimeoutMs?: number;
  /** Downlinks with inverted IQ (what LoRaWAN end devices listen for); false suits hotspot-to-hotspot beacons. */
  invertPolarity?: boolean;
  /** How frames with `atNs` are scheduled. Default "gps". */
  txTiming?: TxTiming;
  log?: RadioLog;
  now?: () => number;
}

export interface ForwarderState {
  gatewayEui: string;
  address: string;
  port: number;
  lastPullAt: number | undefined;
  lastPushAt: number | undefined;
  lastStat: GatewayStat | undefined;
  /** The latest reception's counter reading and time: how `tmst` maps to time on this gateway. */
  counter: CounterAnchor | undefined;
}

export interface SemtechRadioStats {
  datagrams: number;
  receptions: number;
  transmitted: number;
  /** Datagrams and rxpk entries dropped, by reason. */
  dropped: Record<string, number>;
}

export interface SemtechUdpRadio extends RadioDriver {
  readonly host: string;
  readonly port: number;
  stats(): SemtechRadioStats;
  forwarders(): ForwarderState[];
}

export async function createSemtechUdpRadio(options: SemtechUdpRadioOptions): Promise<SemtechUdpRadio> {
  const now = options.now ?? Date.now;
  const log: RadioLog = options.log ?? (() => {});
  const allowed = options.gatewayEuis ? new Set(options.gatewayEuis.map((e) => e.toLowerCase())) : undefined;
  const txAckTimeoutMs = options.txAckTimeoutMs ?? 3_000;
  const pullTimeoutMs = options.pullTimeoutMs ?? 30_000;
  const listeners = new Set<ReceptionListener>();
  const forwarders = new Map<string, ForwarderState>();
  const pendingTx = new Map<
    number,
    { gatewayEui: string; resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  const stats: SemtechRadioStats = { datagrams: 0, receptions: 0, transmitted: 0, dropped: {} };
  const drop = (reason: string, fields: Record<string, unknown> = {}) => {
    stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
    log("warn", "semtech-udp: dropped", { reason, ...fields });
  };

  const socket: Socket = createSocket("udp4");
  const send = (packet: GwmpPacket, to: { address: string; port: number }) =>
    new Promise<void>((resolve, reject) => {
      socket.send(encodeGwmp(packet), to.port, to.address, (error) => (error ? reject(error) : resolve()));
    });

  const forwarderFor = (gatewayEui: string, from: RemoteInfo): ForwarderState => {
    let state = forwarders.get(gatewayEui);
    if (!state) {
      state = {
        gatewayEui,
        address: from.address,
        port: from.port,
        lastPullAt: undefined,
        lastPushAt: undefined,
        lastStat: undefined,
        counter: undefined,
      };
      forwarders.set(gatewayEui, state);
      log("info", "semtech-udp: forwarder seen", { gatewayEui, address: from.address });
    }
    return state;
  };

  const receive = (raw: unknown, gatewayEui: string) => {
    const parsed = rxpkSchema.safeParse(raw);
    if (!parsed.success) return drop("invalid-rxpk", { gatewayEui, issue: parsed.error.issues[0]?.message });
    const rxpk = parsed.data;
    if (rxpk.stat !== 1) return drop("crc", { gatewayEui });
    const rate = rxpk.modu === "LORA" ? parseLoraDatr(rxpk.datr) : undefined;
    if (!rate) return drop("not-lora", { gatewayEui, datr: rxpk.datr });
    if (rxpk.lsnr === undefined) return drop("invalid-rxpk", { gatewayEui, issue: "LoRa rxpk without lsnr" });
    const payload = new Uint8Array(Buffer.from(rxpk.data, "base64"));
    const arrivalNs = rxpkArrivalNs(rxpk);
    if (payload.length !== rxpk.size)
      return drop("size-mismatch", { gatewayEui, size: rxpk.size, got: payload.length });
    const reception: Reception = {
      frame: {
        payload,
        frequencyHz: Math.round(rxpk.freq * 1e6),
        ...rate,
        // A receiver cannot know the sender's power; consumers must take it from the payload if they need it.
        powerDbm: Number.NaN,
      },
      rssiDbm: rxpk.rssi,
      snrDb: rxpk.lsnr,
      // Without GPS time or a UTC stamp from the forwarder, the host's clock is the best there is.
      timeOfArrivalNs: arrivalNs ?? BigInt(now()) * 1_000_000n,
    };
    const state = forwarders.get(gatewayEui);
    if (state && arrivalNs !== undefined) state.counter = { tmst: rxpk.tmst, unixNs: arrivalNs };
    stats.receptions++;
    for (const listener of listeners) {
      try {
        listener(reception);
      } catch (error) {
        log("warn", "semtech-udp: a reception listener threw", { error: (error as Error).message });
      }
    }
  };

  const onDatagram = (bytes: Buffer, from: RemoteInfo) => {
    stats.datagrams++;
    let packet: GwmpPacket;
    try {
      packet = decodeGwmp(bytes);
    } catch (error) {
      if (error instanceof GwmpDecodeError) return drop(error.reason, { from: from.address, ...error.details });
      return drop("undecodable", { from: from.address });
    }
    if ("gatewayEui" in packet && allowed && !allowed.has(packet.gatewayEui)) {
      return drop("unknown-gateway", { gatewayEui: packet.gatewayEui, from: from.address });
    }
    switch (packet.kind) {
      case "push-data": {
        const state = forwarderFor(packet.gatewayEui, from);
        state.lastPushAt = now();
        void send({ kind: "push-ack", token: packet.token }, from).catch((e) =>
          log("warn", "semtech-udp: PUSH_ACK not sent", { error: (e as Error).message }),
        );
        if (packet.stat !== undefined) {
          const stat = statSchema.safeParse(packet.stat);
          if (stat.success) state.lastStat = stat.data;
          else drop("invalid-stat", { gatewayEui: packet.gatewayEui });
        }
        for (const rxpk of packet.rxpk) receive(rxpk, packet.gatewayEui);
        return;
      }
      case "pull-data": {
        const state = forwarderFor(packet.gatewayEui, from);
        // Downlinks go to where the keepalive came from: the forwarder's down port, through any NAT on the way.
        state.address = from.address;
        state.port = from.port;
        state.lastPullAt = now();
        void send({ kind: "pull-ack", token: packet.token }, from).catch((e) =>
          log("warn", "semtech-udp: PULL_ACK not sent", { error: (e as Error).message }),
        );
        return;
      }
      case "tx-ack": {
        const pending = pendingTx.get(packet.token);
        if (!pending || pending.gatewayEui !== packet.gatewayEui) {
          return drop("unexpected-tx-ack", { token: packet.token, gatewayEui: packet.gatewayEui });
        }
        pendingTx.delete(packet.token);
        clearTimeout(pending.timer);
        if (packet.error === "NONE") {
          stats.transmitted++;
          pending.resolve();
        } else {
          pending.reject(
            new RemoteError(`the packet forwarder refused the frame: ${packet.error}`, {
              details: { gatewayEui: packet.gatewayEui, error: packet.error },
            }),
          );
        }
        return;
      }
      default:
        // PUSH_ACK, PULL_ACK and PULL_RESP travel the other way: a forwarder never sends them to the host.
        return drop("wrong-direction", { kind: packet.kind, from: from.address });
    }
  };

  /** The txpk timing field for a frame due at `atNs` (Unix ns, GPS-disciplined) on this forwarder. */
  const scheduleOn = (target: ForwarderState, atNs: bigint): Pick<Txpk, "tmms" | "tmst"> => {
    if ((options.txTiming ?? "gps") === "gps") return { tmms: unixNsToGpsMs(atNs) };
    const anchor = target.counter;
    if (!anchor) {
      throw new StateError("no reception from this gateway has mapped its counter (tmst) to time yet", {
        details: { gatewayEui: target.gatewayEui },
        hint: "Counter timing needs an rxpk with tmst and time or tmms first; use GPS timing when the gateway has GPS.",
      });
    }
    const aheadUs = (atNs - anchor.unixNs) / 1000n;
    if (aheadUs < 0n || aheadUs >= maxCounterSpanUs) {
      throw new StateError("the frame's time is too far from the gateway's last counter reading to map it", {
        details: { gatewayEui: target.gatewayEui, aheadUs: aheadUs.toString() },
        hint: "The counter wraps every 71.6 minutes; a reception from the gateway refreshes the mapping.",
      });
    }
    return { tmst: Number((BigInt(anchor.tmst) + aheadUs) % counterWrap) };
  };

  socket.on("message", onDatagram);
  socket.on("error", (error) => log("warn", "semtech-udp: socket error", { error: error.message }));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port, host, () => {
      socket.off("error", reject);
      resolve();
    });
  });
  let closed = false;

  return {
    host,
    port: socket.address().port,
    stats: () => ({ ...stats, dropped: { ...stats.dropped } }),
    forwarders: () => [...forwarders.values()].map((f) => ({ ...f })),
    onReceive(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async transmit(frame: RadioFrame) {
      if (closed) throw new StateError("the radio is closed");
      const t = now();
      const target = [...forwarders.values()]
        .filter((f) => f.lastPullAt !== undefined && t - f.lastPullAt <= pullTimeoutMs)
        .sort((a, b) => (b.lastPullAt ?? 0) - (a.lastPullAt ?? 0))[0];
      if (!target) {
        throw new StateError("no packet forwarder has an open downlink path", {
          hint: "The forwarder sends PULL_DATA every few seconds once it points at this port (serv_port_down).",
        });
      }
      const datr = formatLoraDatr(frame.spreadingFactor, frame.bandwidthHz);
      const when = frame.atNs === undefined ? { imme: true } : scheduleOn(target, frame.atNs);
      let token = randomInt(0, 0x10000);
      while (pendingTx.has(token)) token = (token + 1) & 0xffff;
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingTx.delete(token);
          reject(
            new TimeoutError("no TX_ACK from the packet forwarder", {
              details: { gatewayEui: target.gatewayEui, token },
            }),
          );
        }, txAckTimeoutMs);
        pendingTx.set(token, { gatewayEui: target.gatewayEui, resolve, reject, timer });
      });
      const sent = send(
        {
          kind: "pull-resp",
          token,
          txpk: {
            ...when,
            freq: frame.frequencyHz / 1e6,
            rfch: 0,
            powe: Math.round(frame.powerDbm),
            modu: "LORA",
            datr,
            codr: "4/5",
            ipol: options.invertPolarity ?? false,
            size: frame.payload.length,
            data: Buffer.from(frame.payload).toString("base64"),
          },
        },
        target,
      );
      try {
        await sent;
      } catch (error) {
        const pending = pendingTx.get(token);
        if (pending) clearTimeout(pending.timer);
        pendingTx.delete(token);
        done.catch(() => {});
        throw new RemoteError("could not send PULL_RESP to the packet forwarder", { cause: error });
      }
      return done;
    },
    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      for (const [token, pending] of pendingTx) {
        clearTimeout(pending.timer);
        pending.reject(new StateError("the radio closed before the forwarder acknowledged", { details: { token } }));
      }
      pendingTx.clear();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
