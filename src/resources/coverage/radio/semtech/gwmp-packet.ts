// The Semtech UDP packet-forwarder protocol (GWMP, version 2) as bytes: the 4-byte header (version, random token,
// identifier), the gateway EUI, and the JSON objects rxpk / txpk / stat / txpk_ack, each validated with zod.
import { z } from "zod";
import { InvalidInputError } from "../../../../core/errors.ts";

export const GWMP_VERSION = 2;

export const gwmpIdentifiers = {
  pushData: 0x00,
  pushAck: 0x01,
  pullData: 0x02,
  pullResp: 0x03,
  pullAck: 0x04,
  txAck: 0x05,
} as const;

/** A datagram that is not valid GWMP v2; `reason` names what is wrong, for logs and counters. */
export class GwmpDecodeError extends InvalidInputError {
  override name = "GwmpDecodeError";
  readonly reason: string;

  constructor(reason: string, message: string, details: Record<string, unknown> = {}) {
    super(message, { details: { reason, ...details } });
    this.reason = reason;
  }
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "base64");
/** LoRa data rate as the forwarder writes it: "SF7BW125" (spreading factor 7–12, bandwidth in kHz). */
export const loraDatr = z.string().regex(/^SF(?:[7-9]|1[0-2])BW(?:125|250|500)$/);

export const rxpkSchema = z.object({
  time: z.string().datetime({ offset: true }).optional(),
  /** GPS time of arrival, milliseconds since the GPS epoch (1980-01-06). */
  tmms: z.number().int().nonnegative().optional(),
  /** The concentrator's microsecond counter (wraps at 2^32). */
  tmst: z.number().int().min(0).max(0xffffffff),
  freq: z.number().positive().max(10_000),
  chan: z.number().int().nonnegative().optional(),
  rfch: z.number().int().nonnegative().optional(),
  /** CRC status: 1 OK, -1 failed, 0 no CRC. */
  stat: z.union([z.literal(1), z.literal(0), z.literal(-1)]),
  modu: z.enum(["LORA", "FSK"]),
  datr: z.union([z.string(), z.number()]),
  codr: z.string().optional(),
  rssi: z.number().min(-200).max(50),
  lsnr: z.number().min(-50).max(50).optional(),
  size: z.number().int().min(0).max(255),
  data: base64,
});
export type Rxpk = z.infer<typeof rxpkSchema>;

export const statSchema = z
  .object({
    time: z.string().optional(),
    lati: z.number().optional(),
    long: z.number().optional(),
    alti: z.number().optional(),
    rxnb: z.number().int().optional(),
    rxok: z.number().int().optional(),
    rxfw: z.number().int().optional(),
    ackr: z.number().optional(),
    dwnb: z.number().int().optional(),
    txnb: z.number().int().optional(),
  })
  .passthrough();
export type GatewayStat = z.infer<typeof statSchema>;

export const txpkSchema = z.object({
  /** Send at once (the forwarder ignores tmst and tmms then). */
  imme: z.boolean().optional(),
  /** Send when the concentrator's microsecond counter reaches this value. */
  tmst: z.number().int().min(0).max(0xffffffff).optional(),
  /** Send at this GPS time, milliseconds since the GPS epoch (needs a forwarder with a GPS fix). */
  tmms: z.number().int().nonnegative().optional(),
  freq: z.number().positive(),
  rfch: z.number().int().nonnegative(),
  powe: z.number().int(),
  modu: z.literal("LORA"),
  datr: loraDatr,
  codr: z.string(),
  ipol: z.boolean(),
  size: z.number().int().min(0).max(255),
  data: base64,
  ncrc: z.boolean().optional(),
});
export type Txpk = z.infer<typeof txpkSchema>;

const pushDataJson = z.object({ rxpk: z.array(z.unknown()).optional(), stat: z.unknown().optional() }).passthrough();
const pullRespJson = z.object({ txpk: txpkSchema });
const txAckJson = z.object({ txpk_ack: z.object({ error: z.string().optional(), warn: z.string().optional() }) });

export type GwmpPacket =
  | { kind: "push-data"; token: number; gatewayEui: string; rxpk: unknown[]; stat: unknown }
  | { kind: "push-ack"; token: number }
  | { kind: "pull-data"; token: number; gatewayEui: string }
  | { kind: "pull-resp"; token: number; txpk: Txpk }
  | { kind: "pull-ack"; token: number }
  | { kind: "tx-ack"; token: number; gatewayEui: string; error: string };

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new GwmpDecodeError("bad-json", `${what} carries no valid JSON`);
  }
}

function zodParse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new GwmpDecodeError("bad-json", `invalid ${what}`, {
      issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`),
    });
  }
  return parsed.data;
}

function eui(bytes: Buffer, what: string): string {
  if (bytes.length < 12) throw new GwmpDecodeError("truncated", `${what} lacks the 8-byte gateway EUI`);
  return bytes.subarray(4, 12).toString("hex");
}

/** Decodes one datagram; throws GwmpDecodeError for anything that is not well-formed GWMP v2. */
export function decodeGwmp(bytes: Buffer): GwmpPacket {
  if (bytes.length < 4) throw new GwmpDecodeError("truncated", "datagram shorter than the GWMP header");
  if (bytes[0] !== GWMP_VERSION) {
    throw new GwmpDecodeError("bad-version", "unsupported GWMP protocol version", { version: bytes[0] });
  }
  const token = bytes.readUInt16BE(1);
  switch (bytes[3]) {
    case gwmpIdentifiers.pushData: {
      const gatewayEui = eui(bytes, "PUSH_DATA");
      const json = zodParse(pushDataJson, parseJson(bytes.subarray(12), "PUSH_DATA"), "PUSH_DATA object");
      return { kind: "push-data", token, gatewayEui, rxpk: json.rxpk ?? [], stat: json.stat };
    }
    case gwmpIdentifiers.pushAck:
      return { kind: "push-ack", token };
    case gwmpIdentifiers.pullData:
      return { kind: "pull-data", token, gatewayEui: eui(bytes, "PULL_DATA") };
    case gwmpIdentifiers.pullResp: {
      const json = zodParse(pullRespJson, parseJson(bytes.subarray(4), "PULL_RESP"), "PULL_RESP txpk");
      return { kind: "pull-resp", token, txpk: json.txpk };
    }
    case gwmpIdentifiers.pullAck:
      return { kind: "pull-ack", token };
    case gwmpIdentifiers.txAck: {
      const gatewayEui = eui(bytes, "TX_ACK");
      const rest = bytes.subarray(12);
      // An empty TX_ACK (or a lone NUL, as some forwarders send) means no error.
      if (rest.length === 0 || (rest.length === 1 && rest[0] === 0)) {
        return { kind: "tx-ack", token, gatewayEui, error: "NONE" };
      }
      const end = rest.indexOf(0);
      const text = end >= 0 ? rest.subarray(0, end) : rest;
      const json = zodParse(txAckJson, parseJson(text, "TX_ACK"), "TX_ACK object");
      return { kind: "tx-ack", token, gatewayEui, error: json.txpk_ack.error ?? "NONE" };
    }
    default:
      throw new GwmpDecodeError("unknown-identifier", "unknown GWMP identifier", { identifier: bytes[3] });
  }
}

function header(token: number, identifier: number): Buffer {
  const out = Buffer.alloc(4);
  out[0] = GWMP_VERSION;
  out.writeUInt16BE(token & 0xffff, 1);
  out[3] = identifier;
  return out;
}

function euiBytes(gatewayEui: string): Buffer {
  if (!/^[0-9a-f]{16}$/i.test(gatewayEui)) throw new InvalidInputError("a gateway EUI is 16 hex digits");
  return Buffer.from(gatewayEui, "hex");
}

/** Encodes a datagram (both directions: the host side uses acks and PULL_RESP, forwarders the rest). */
export function encodeGwmp(packet: GwmpPacket): Buffer {
  switch (packet.kind) {
    case "push-data":
      return Buffer.concat([
        header(packet.token, gwmpIdentifiers.pushData),
        euiBytes(packet.gatewayEui),
        Buffer.from(JSON.stringify({ rxpk: packet.rxpk, ...(packet.stat !== undefined ? { stat: packet.stat } : {}) })),
      ]);
    case "push-ack":
      return header(packet.token, gwmpIdentifiers.pushAck);
    case "pull-data":
      return Buffer.concat([header(packet.token, gwmpIdentifiers.pullData), euiBytes(packet.gatewayEui)]);
    case "pull-resp":
      return Buffer.concat([
        header(packet.token, gwmpIdentifiers.pullResp),
        Buffer.from(JSON.stringify({ txpk: packet.txpk })),
      ]);
    case "pull-ack":
      return header(packet.token, gwmpIdentifiers.pullAck);
    case "tx-ack":
      return Buffer.concat([
        header(packet.token, gwmpIdentifiers.txAck),
        euiBytes(packet.gatewayEui),
        Buffer.from(JSON.stringify({ txpk_ack: { error: packet.error } })),
      ]);
  }
}

/** "SF7BW125" → spreading factor and bandwidth in Hz; undefined for anything else (FSK rates, typos). */
export function parseLoraDatr(datr: unknown): { spreadingFactor: number; bandwidthHz: number } | undefined {
  if (typeof datr !== "string" || !loraDatr.safeParse(datr).success) return undefined;
  const match = /^SF(\d+)BW(\d+)$/.exec(datr);
  if (!match) return undefined;
  return { spreadingFactor: Number(match[1]), bandwidthHz: Number(match[2]) * 1000 };
}

export function formatLoraDatr(spreadingFactor: number, bandwidthHz: number): string {
  const datr = `SF${spreadingFactor}BW${Math.round(bandwidthHz / 1000)}`;
  if (!loraDatr.safeParse(datr).success) {
    throw new InvalidInputError("not a LoRa data rate a forwarder can send", { details: { datr } });
  }
  return datr;
}

/** The GPS epoch, 1980-01-06T00:00:00Z, in Unix milliseconds. */
export const GPS_EPOCH_UNIX_MS = 315_964_800_000n;
/**
 * GPS time counts no leap seconds; UTC has inserted 18 since the GPS epoch, the latest at 2016-12-31T23:59:60Z, so
 * GPS = UTC + 18 s from 2017-01-01 on. Change this (and release) when the IERS announces the next leap second.
 */
export const GPS_LEAP_SECONDS = 18n;
const gpsLeapMs = GPS_LEAP_SECONDS * 1000n;

/** GPS milliseconds (a forwarder's `tmms`) as Unix nanoseconds. */
export function gpsMsToUnixNs(tmms: bigint | number): bigint {
  return (BigInt(tmms) + GPS_EPOCH_UNIX_MS - gpsLeapMs) * 1_000_000n;
}

/** Unix nanoseconds as GPS milliseconds for a txpk's `tmms`, to the nearest millisecond (what a forwarder takes). */
export function unixNsToGpsMs(unixNs: bigint): number {
  const ms = (unixNs + 500_000n) / 1_000_000n - GPS_EPOCH_UNIX_MS + gpsLeapMs;
  if (ms < 0n) throw new InvalidInputError("a time before the GPS epoch (1980-01-06)", { details: { unixNs } });
  return Number(ms);
}

/**
 * The receiver's time of arrival in Unix nanoseconds: the GPS time (`tmms`) when the forwarder has a GPS fix, else
 * the UTC `time` field (sub-millisecond digits kept), else undefined.
 */
export function rxpkArrivalNs(rxpk: Rxpk): bigint | undefined {
  if (rxpk.tmms !== undefined) return gpsMsToUnixNs(rxpk.tmms);
  if (rxpk.time === undefined) return undefined;
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(rxpk.time);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (!Number.isFinite(seconds)) return undefined;
  const fraction = (match[2] ?? "").slice(0, 9).padEnd(9, "0");
  return BigInt(seconds) * 1_000_000n + BigInt(fraction);
}
