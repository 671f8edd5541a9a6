// The signed messages of proof of coverage. Hotspots sign with their node key (Ed25519), oracles with their wallet;
// all travel in the protocol's envelope (timestamped, nonce, replay-guarded).
import { z } from "zod";
import { addressSchema, base64Schema, hex32 } from "../../../protocol/index.ts";

export const coverageMessageTypes = {
  /** Oracle → hotspot: your beacon this epoch (slot and payload, secret until then). */
  assignment: "coverage.assignment",
  /** Beaconer → oracles: I transmitted this beacon at this time. */
  beacon: "coverage.beacon",
  /** Witness → oracles: I heard this beacon, with this signal and arrival time. */
  witness: "coverage.witness",
} as const;

const nsSchema = z.string().regex(/^\d{1,20}$/, "nanoseconds since the Unix epoch, decimal");
const beaconIdSchema = z.string().regex(/^[0-9a-f]{32}$/, "32 lower-case hex digits");

export const beaconAssignmentBody = z.strictObject({
  epoch: z.number().int().nonnegative(),
  beaconId: beaconIdSchema,
  beaconer: hex32,
  /** When to transmit, ms since the Unix epoch. */
  slotMs: z.number().int().nonnegative(),
  payload: base64Schema,
  oracle: addressSchema,
});
export type BeaconAssignment = z.infer<typeof beaconAssignmentBody>;

export const beaconReceiptBody = z.strictObject({
  epoch: z.number().int().nonnegative(),
  beaconId: beaconIdSchema,
  payloadHash: hex32,
  txTimeNs: nsSchema,
});
export type BeaconReceipt = z.infer<typeof beaconReceiptBody>;

export const witnessReportBody = z.strictObject({
  epoch: z.number().int().nonnegative(),
  beaconId: beaconIdSchema,
  beaconer: hex32,
  /** sha256 of the bytes heard: only a radio that heard the beacon knows it before the schedule is revealed. */
  payloadHash: hex32,
  rssiDbm: z.number().min(-200).max(50),
  snrDb: z.number().min(-50).max(50),
  timeOfArrivalNs: nsSchema,
  frequencyHz: z.number().positive(),
  spreadingFactor: z.number().int().min(7).max(12),
});
export type WitnessReport = z.infer<typeof witnessReportBody>;
