// Hotspot registrations read from the ProviderRegistry for the packet router, cached briefly: a router hears the
// same hotspots again and again, and a jail or unstake still takes effect within `ttlMs`.
import type { Hex, PublicClient } from "viem";
import { type Deployment, getRegisteredProvider, wrapChainError } from "../../../chain/index.ts";
import type { HotspotLookup } from "./packet-router.ts";

export function chainHotspotLookup(options: {
  publicClient: PublicClient;
  deployment: Deployment;
  ttlMs?: number;
  now?: () => number;
}): HotspotLookup {
  const ttlMs = options.ttlMs ?? 30_000;
  const now = options.now ?? Date.now;
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
      };
    } catch (error) {
      throw wrapChainError(error, "reading the hotspot's registration");
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { at: now(), value });
    return value;
  };
}
