// Who beacons when, and what they send. The selection comes from a public seed nobody knows before the previous
// epoch's root is posted (so it is unpredictable, and anyone can recompute it afterwards); each beacon's payload
// adds a challenge from the schedule secret, which only the oracles hold until they reveal it after the epoch:
// a witness that names the payload's hash heard the beacon (or was told by someone who did).
import { createHash, createHmac } from "node:crypto";
import { type Hex, hexToBytes, recoverMessageAddress } from "viem";
import { InvalidInputError } from "../../../core/errors.ts";
import { sha256Hex } from "../../../protocol/index.ts";
import type { PocParams } from "./poc-params.ts";

export interface ScheduledBeacon {
  beaconId: string;
  beaconer: Hex;
  /** When the beaconer transmits, ms since the Unix epoch. */
  slotMs: number;
  payload: Uint8Array;
  payloadHash: Hex;
}

/** The epoch's public seed: the previous epoch's earnings root and the oracle set bind it to what was posted. */
export function scheduleSeed(params: { epoch: number; previousRoot: Hex; oracles: readonly Hex[] }): Hex {
  const oracles = params.oracles.map((o) => o.toLowerCase()).sort();
  return sha256Hex(`gw-coverage/seed/${params.epoch}/${params.previousRoot.toLowerCase()}/${oracles.join(",")}`);
}

/**
 * The schedule secret is the hash of one oracle's signature over the seed. Wallet signatures are deterministic
 * (RFC 6979), so the oracle cannot grind it, nobody else can predict it, and once revealed anyone can check it.
 */
export function scheduleSecretFrom(signature: Hex): Hex {
  return sha256Hex(hexToBytes(signature));
}

/** Checks a revealed schedule signature: signed over `seed` by `oracle`. */
export async function verifyScheduleSignature(seed: Hex, signature: Hex, oracle: Hex): Promise<boolean> {
  try {
    const signer = await recoverMessageAddress({ message: { raw: hexToBytes(seed) }, signature });
    return signer.toLowerCase() === oracle.toLowerCase();
  } catch {
    return false;
  }
}

function uniform(seed: Hex, label: string, nodeKey: Hex): number {
  return createHash("sha256").update(`${seed}/${label}/${nodeKey}`).digest().readUIntBE(0, 6) / 2 ** 48;
}

/** The beacon payload: 16 bytes of beacon id, the beaconer's 32-byte node key, 16 bytes of challenge. */
export function beaconPayload(secret: Hex, beaconId: string, beaconer: Hex): Uint8Array {
  const challenge = createHmac("sha256", hexToBytes(secret)).update(beaconId).digest().subarray(0, 16);
  return new Uint8Array(Buffer.concat([Buffer.from(beaconId, "hex"), Buffer.from(hexToBytes(beaconer)), challenge]));
}

/** What a witness reads off a beacon it heard; undefined for a frame that is not a beacon. */
export function parseBeaconPayload(payload: Uint8Array): { beaconId: string; beaconer: Hex } | undefined {
  if (payload.length !== 64) return undefined;
  const bytes = Buffer.from(payload);
  return {
    beaconId: bytes.subarray(0, 16).toString("hex"),
    beaconer: `0x${bytes.subarray(16, 48).toString("hex")}` as Hex,
  };
}

/**
 * The epoch's beacons over `hotspots` (node keys). Deterministic in (seed, secret, hotspots, window, params);
 * every slot leaves `maxReportDelayMs` before the window ends so its witnesses report inside the epoch.
 */
export function beaconSchedule(options: {
  seed: Hex;
  secret: Hex;
  hotspots: readonly Hex[];
  startMs: number;
  endMs: number;
  params: PocParams;
}): ScheduledBeacon[] {
  const { seed, secret, startMs, endMs, params } = options;
  const span = endMs - startMs - params.maxReportDelayMs;
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || span <= 0) {
    throw new InvalidInputError("the epoch is too short for a beacon and its witness reports", {
      details: { startMs, endMs, maxReportDelayMs: params.maxReportDelayMs },
    });
  }
  const beacons: ScheduledBeacon[] = [];
  for (const raw of [...new Set(options.hotspots.map((h) => h.toLowerCase() as Hex))].sort()) {
    if (uniform(seed, "select", raw) >= params.beaconProbability) continue;
    const beaconId = createHash("sha256").update(`${seed}/beacon/${raw}`).digest("hex").slice(0, 32);
    const payload = beaconPayload(secret, beaconId, raw);
    beacons.push({
      beaconId,
      beaconer: raw,
      slotMs: startMs + Math.floor(uniform(seed, "slot", raw) * span),
      payload,
      payloadHash: sha256Hex(payload),
    });
  }
  return beacons.sort((a, b) => a.slotMs - b.slotMs || (a.beaconId < b.beaconId ? -1 : 1));
}
