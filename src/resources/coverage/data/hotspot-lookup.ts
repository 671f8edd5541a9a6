// Hotspot registrations read from the ProviderRegistry for the packet router (through the client it is given),
// cached briefly: a router hears the same hotspots again and again, and a jail, an unstake or a change of resource
// types still takes effect within `ttlMs`. A relay must be registered for the coverage resource type.
import type { Hex, PublicClient } from "viem";
import { type Deployment, getRegisteredProvider, resourceTypeId, wrapChainError } from "../../../chain/index.ts";
import { coverageTypeName } from "../network/network-params.ts";
import type { HotspotLookup } from "./packet-router.ts";

/** The resource type a relay must offer to be paid for packets (its id on chain is the hash of the name). */
export const coverageResourceTypeName = coverageTypeName;

export function chainHotspotLookup(options: {
  publicClient: PublicClient;
  deployment: Deployment;
  ttlMs?: number;
  now?: () => number;
}): HotspotLookup {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
  const coverageType = resourceTypeId(coverageResourceTypeName).toLowerCase();
  const cache = new Map<string, { at: number; value: Awaited<ReturnType<HotspotLookup>> }>();
  return async (nodeKey: Hex) => {
    const key = nodeKey.toLowerCase();
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    let value: Awaited<ReturnType<HotspotLookup>>;
    try {
      const registered = await getRegisteredProvider(options.publicClient, {
        chainId: options.deployment.chainId,
        registry: options.deployment.contracts.registry,
        nodeKey: key as Hex,
      });
      value = registered && {
        owner: registered.owner,
        active: registered.active,
        bindingValid: registered.bindingValid,
        offersCoverage: registered.resourceTypes.some((t) => t.toLowerCase() === coverageType),
      };
    } catch (error) {
      throw wrapChainError(error, "reading the hotspot's registration");
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { at: now(), value });
    return value;
  };
}
