// What an IoT device puts on air: a small binary frame with its id, a frame counter and a MIC (a truncated
// HMAC-SHA256 under the key the device shares with its owner's packet router). Hotspots cannot forge or alter a
// frame without the key; the counter makes every frame unique, so the router can dedup and refuse replays.
//
//   0      1 … 8       9 … 12          13 … n−9    n−8 … n−1
//   ver=1  device id   counter (u32 BE) payload    MIC = HMAC-SHA256(key, bytes 0 … n−9)[0 … 7]
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { InvalidInputError } from "../../../core/errors.ts";

export const UPLINK_VERSION = 1;
const headerBytes = 13;
const micBytes = 8;
/** The longest LoRa payload at every data rate in the common regional plans (EU868 DR0–5: 51 bytes is the floor). */
export const maxFrameBytes = 222;
export const maxUplinkPayloadBytes = maxFrameBytes - headerBytes - micBytes;

export interface Uplink {
  /** 8 bytes as 16 lower-case hex digits (a DevEUI). */
  deviceId: string;
  counter: number;
  payload: Uint8Array;
}

export interface DecodedUplink extends Uplink {
  mic: Buffer;
  /** Every byte the MIC covers. */
  signed: Buffer;
}

export class UplinkDecodeError extends InvalidInputError {
  override name = "UplinkDecodeError";
}

export function generateDeviceCredentials(): { deviceId: string; key: string } {
  return { deviceId: randomBytes(8).toString("hex"), key: randomBytes(32).toString("hex") };
}

function keyBytes(key: string): Buffer {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new InvalidInputError("a device key is 64 lower-case hex digits");
  return Buffer.from(key, "hex");
}

function micOf(key: string, signed: Uint8Array): Buffer {
  return createHmac("sha256", keyBytes(key)).update(signed).digest().subarray(0, micBytes);
}

export function encodeUplink(uplink: Uplink, key: string): Uint8Array {
  if (!/^[0-9a-f]{16}$/.test(uplink.deviceId)) throw new InvalidInputError("a device id is 16 lower-case hex digits");
  if (!Number.isInteger(uplink.counter) || uplink.counter < 0 || uplink.counter > 0xffffffff) {
    throw new InvalidInputError("the frame counter is a 32-bit unsigned integer", {
      details: { counter: uplink.counter },
    });
  }
  if (uplink.payload.length > maxUplinkPayloadBytes) {
    throw new InvalidInputError(`an uplink payload is at most ${maxUplinkPayloadBytes} bytes`, {
      details: { bytes: uplink.payload.length },
    });
  }
  const signed = Buffer.alloc(headerBytes + uplink.payload.length);
  signed[0] = UPLINK_VERSION;
  Buffer.from(uplink.deviceId, "hex").copy(signed, 1);
  signed.writeUInt32BE(uplink.counter, 9);
  Buffer.from(uplink.payload).copy(signed, headerBytes);
  return new Uint8Array(Buffer.concat([signed, micOf(key, signed)]));
}

/** Parses a frame's structure (anyone can); the MIC is checked by verifyUplinkMic with the device key. */
export function decodeUplink(bytes: Uint8Array): DecodedUplink {
  const buffer = Buffer.from(bytes);
  if (buffer.length < headerBytes + micBytes) throw new UplinkDecodeError("frame too short for an uplink");
  if (buffer.length > maxFrameBytes) throw new UplinkDecodeError("frame too long for an uplink");
  if (buffer[0] !== UPLINK_VERSION) {
    throw new UplinkDecodeError("unknown uplink frame version", { details: { version: buffer[0] } });
  }
  const signed = buffer.subarray(0, buffer.length - micBytes);
  return {
    deviceId: buffer.subarray(1, 9).toString("hex"),
    counter: buffer.readUInt32BE(9),
    payload: new Uint8Array(buffer.subarray(headerBytes, buffer.length - micBytes)),
    mic: buffer.subarray(buffer.length - micBytes),
    signed,
  };
}

export function verifyUplinkMic(uplink: DecodedUplink, key: string): boolean {
  return timingSafeEqual(micOf(key, uplink.signed), uplink.mic);
}
