// The registry as the chain holds it now: every registered node key (enumerated with providerCount/providerAt) and
// its record (owner, stake, jail), read in JSON-RPC batches. Node keys never leave the list, so the enumeration is
// cached between reads and only new indices are fetched.
import type { Abi, Hex } from "viem";
import { providerRegistryAbi, verifyProviderBinding } from "../chain/index.ts";
import type { ChainDriver } from "./chain-driver.ts";

export interface RegistryEntry {
  nodeKey: Hex;
  /** Lower-case owner address. */
  owner: Hex;
  stake: bigint;
  unbonding: bigint;
  /** Unix seconds; the node is jailed while the chain's time is before it (0: never jailed). */
  jailedUntil: number;
  /** The node key's binding signature verifies against the owner. */
  bindingValid: boolean;
}

export interface RegistryReader {
  read(): Promise<Map<Hex, RegistryEntry>>;
}

interface ProviderRecord {
  owner: Hex;
  jailedUntil: bigint;
  stake: bigint;
  unbonding: bigint;
  nodeSig: Hex;
}

export function createRegistryReader(driver: ChainDriver, params: { chainId: number; registry: Hex }): RegistryReader {
  const keys: Hex[] = [];
  const bindings = new Map<string, boolean>();
  const abi = providerRegistryAbi as Abi;
  return {
    async read() {
      const count = Number(
        await driver.read({ address: params.registry, abi: providerRegistryAbi, functionName: "providerCount" }),
      );
      if (count > keys.length) {
        const fresh = await driver.readMany<Hex>(
          Array.from({ length: count - keys.length }, (_, i) => ({
            address: params.registry,
            abi,
            functionName: "providerAt",
            args: [BigInt(keys.length + i)],
          })),
        );
        keys.push(...fresh.map((k) => k.toLowerCase() as Hex));
      }
      const records = await driver.readMany<ProviderRecord>(
        keys.map((nodeKey) => ({ address: params.registry, abi, functionName: "getProvider", args: [nodeKey] })),
      );
      const out = new Map<Hex, RegistryEntry>();
      keys.forEach((nodeKey, i) => {
        const r = records[i] as ProviderRecord;
        const owner = r.owner.toLowerCase() as Hex;
        // The binding is checked once per (node key, owner, signature): it cannot change without re-registering.
        const bindingKey = `${nodeKey}/${owner}/${r.nodeSig}`;
        let bindingValid = bindings.get(bindingKey);
        if (bindingValid === undefined) {
          bindingValid = verifyProviderBinding({
            chainId: params.chainId,
            registry: params.registry,
            nodeKey,
            owner,
            signature: r.nodeSig,
          });
          bindings.set(bindingKey, bindingValid);
        }
        out.set(nodeKey, {
          nodeKey,
          owner,
          stake: r.stake,
          unbonding: r.unbonding,
          jailedUntil: Number(r.jailedUntil),
          bindingValid,
        });
      });
      return out;
    },
  };
}
