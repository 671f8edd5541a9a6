// The packet router's published offer: what its owner pays a hotspot per delivered packet. Kept in the owner's home
// (written atomically), checked with zod whenever it is read, and served to hotspots at the router's /v1/offer; the
// router pays exactly this price, so what hotspots read is what they earn.
import { z } from "zod";
import { InvalidInputError } from "../../../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../../../core/json-file.ts";
import { addressSchema, amountSchema } from "../../../protocol/index.ts";
import { coverageResourceTypeName } from "./hotspot-lookup.ts";

export const routerOfferSchema = z.strictObject({
  v: z.literal(1),
  resourceType: z.literal(coverageResourceTypeName),
  /** The router's owner: the device owner whose escrow deposit pays. */
  router: addressSchema,
  /** Token base units per first valid delivery of a packet. */
  pricePerPacket: amountSchema.refine((v) => BigInt(v) > 0n, "the price per packet must be more than zero"),
  /** Unix seconds. */
  publishedAt: z.number().int().nonnegative(),
});
export type RouterOffer = z.infer<typeof routerOfferSchema>;

/** Publishes (replaces) the router's offer at `path`. */
export function publishRouterOffer(
  path: string,
  params: { router: string; pricePerPacket: bigint; now?: () => number },
): RouterOffer {
  const offer = routerOfferSchema.parse({
    v: 1,
    resourceType: coverageResourceTypeName,
    router: params.router.toLowerCase(),
    pricePerPacket: params.pricePerPacket.toString(),
    publishedAt: Math.floor((params.now ?? Date.now)() / 1000),
  });
  writeJsonAtomic(path, offer);
  return offer;
}

/** The offer published at `path` for `router`; undefined when none is. A file for another router is refused. */
export function readRouterOffer(path: string, router: string): RouterOffer | undefined {
  const offer = readJsonFile(path, routerOfferSchema);
  if (offer && offer.router.toLowerCase() !== router.toLowerCase()) {
    throw new InvalidInputError("the published router offer belongs to another account", {
      details: { path, offerRouter: offer.router, account: router.toLowerCase() },
      hint: "Publish this account's offer with --price GWK, or use the account that published it.",
    });
  }
  return offer;
}
