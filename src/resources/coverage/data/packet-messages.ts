// The messages between hotspots and a packet router: `packet.deliver` (a hotspot forwards a frame it heard, signed
// by its node key, to = the router's owner address), the router's answer, and its public info.
import { z } from "zod";
import { addressSchema, amountSchema, base64Schema } from "../../../protocol/index.ts";
import { deviceIdSchema } from "./device-registry.ts";

export const packetMessageTypes = { deliver: "packet.deliver" } as const;

export const receptionReportSchema = z.object({
  frequencyHz: z.number().int().positive(),
  spreadingFactor: z.number().int().min(7).max(12),
  bandwidthHz: z.number().int().positive(),
  rssiDbm: z.number().min(-200).max(50),
  snrDb: z.number().min(-50).max(50),
  /** Unix nanoseconds as a decimal string. */
  timeOfArrivalNs: z.string().regex(/^\d{1,25}$/),
});
export type ReceptionReport = z.infer<typeof receptionReportSchema>;

export const packetDeliverBody = z.object({
  /** The frame exactly as heard, base64 (at most 255 bytes on air, so 340 characters). */
  packet: base64Schema.and(z.string().min(4).max(340)),
  reception: receptionReportSchema,
});
export type PacketDeliverBody = z.infer<typeof packetDeliverBody>;

export const packetOutcomeSchema = z.object({
  /** paid: this delivery was the first valid one and is owed `price`; duplicate: another hotspot was first. */
  outcome: z.enum(["paid", "duplicate"]),
  packetId: z.string(),
  deviceId: deviceIdSchema,
  counter: z.number().int().nonnegative(),
  /** What this delivery earns, token base units ("0" for a duplicate). */
  price: amountSchema,
  /** The hotspot that was paid for the packet. */
  paidTo: z.object({ nodeKey: z.string(), owner: z.string() }),
});
export type PacketOutcome = z.infer<typeof packetOutcomeSchema>;

export const routerInfoSchema = z.object({
  router: addressSchema,
  chainId: z.number().int().positive(),
  escrow: addressSchema,
  pricePerPacket: amountSchema,
  devices: z.number().int().nonnegative(),
});
export type RouterInfo = z.infer<typeof routerInfoSchema>;
