// The messages of the shared simulated air: radios register where they physically are, transmit frames, and hear
// receptions with the RSSI, SNR and arrival time the RF world computed. JSON over a WebSocket, validated with zod.
import { z } from "zod";
import { base64Schema } from "../../../../protocol/index.ts";
import type { RadioFrame, Reception } from "../radio-driver.ts";

const ns = z.string().regex(/^\d{1,20}$/, "nanoseconds since the Unix epoch, decimal");

export const airFrameSchema = z.strictObject({
  payload: base64Schema.max(1024),
  frequencyHz: z.number().positive().max(10e9),
  spreadingFactor: z.number().int().min(7).max(12),
  bandwidthHz: z.number().positive().max(10e6),
  powerDbm: z.number().min(-30).max(36),
});

export const airClientMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("register"),
    id: z.string().min(1).max(128),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
  }),
  z.strictObject({ type: z.literal("transmit"), frame: airFrameSchema, atNs: ns }),
]);
export type AirClientMessage = z.infer<typeof airClientMessageSchema>;

export const airServerMessageSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("registered"), id: z.string(), radios: z.number().int() }),
  z.strictObject({
    type: z.literal("reception"),
    frame: airFrameSchema,
    rssiDbm: z.number(),
    snrDb: z.number(),
    timeOfArrivalNs: ns,
  }),
  z.strictObject({ type: z.literal("error"), message: z.string() }),
]);
export type AirServerMessage = z.infer<typeof airServerMessageSchema>;

export function frameToAir(frame: RadioFrame): z.infer<typeof airFrameSchema> {
  return {
    payload: Buffer.from(frame.payload).toString("base64"),
    frequencyHz: frame.frequencyHz,
    spreadingFactor: frame.spreadingFactor,
    bandwidthHz: frame.bandwidthHz,
    powerDbm: frame.powerDbm,
  };
}

export function frameFromAir(frame: z.infer<typeof airFrameSchema>): RadioFrame {
  return { ...frame, payload: new Uint8Array(Buffer.from(frame.payload, "base64")) };
}

export function receptionToAir(reception: Reception): AirServerMessage {
  return {
    type: "reception",
    frame: frameToAir(reception.frame),
    rssiDbm: reception.rssiDbm,
    snrDb: reception.snrDb,
    timeOfArrivalNs: reception.timeOfArrivalNs.toString(),
  };
}
