// What a coverage hotspot puts in its provider config: the oracles it reports to and its radio (the shared
// simulated air, or a LoRa gateway's Semtech UDP packet forwarder).
import { z } from "zod";

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, "an http(s) URL");

export const coverageRadioSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("sim"),
    /** ws://host:port of the simulated air (`gw start` runs one). */
    air: z.string().regex(/^wss?:\/\/[^\s]+$/, "a ws:// URL"),
    /** Where the radio physically is; default: the centre of the asserted cell. */
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
  }),
  z.strictObject({
    kind: z.literal("semtech"),
    /** UDP port the packet forwarder sends to (its serv_port_up/down). */
    port: z.number().int().min(1).max(65535),
    /** Where to listen: loopback by default; 0.0.0.0 for a forwarder on another machine. */
    host: z.string().min(1).default("127.0.0.1"),
  }),
]);

export const coverageOfferSchema = z.strictObject({
  oracles: z.array(httpUrl).min(1).max(16),
  radio: coverageRadioSchema,
});
export type CoverageOffer = z.infer<typeof coverageOfferSchema>;
