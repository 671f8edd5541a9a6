// The provider registry now: every registered node key with its owner, bonded stake and whether it is active.
import type { Hex, PublicClient } from "viem";
import { providerRegistryAbi, wrapChainError } from "../chain/index.ts";

export interface RegistryEntry {
  nodeKey: Hex;
  owner: Hex;
  stake: bigint;
  active: boolean;
}

export interface RegistrySnapshot {
  registered: number;
  active: number;
  /** Bonded stake of the active providers. */
  activeStake: bigint;
  providers: RegistryEntry[];
}

export async function getRegistrySnapshot(client: PublicClient, registry: Hex): Promise<RegistrySnapshot> {
  try {
    const count = await client.readContract({
      address: registry,
      abi: providerRegistryAbi,
      functionName: "providerCount",
    });
    const indexes = Array.from({ length: Number(count) }, (_, i) => BigInt(i));
    const providers = await Promise.all(
      indexes.map(async (index) => {
        const nodeKey = await client.readContract({
          address: registry,
          abi: providerRegistryAbi,
          functionName: "providerAt",
          args: [index],
        });
        const [record, active] = await Promise.all([
          client.readContract({
            address: registry,
            abi: providerRegistryAbi,
            functionName: "getProvider",
            args: [nodeKey],
          }),
          client.readContract({
            address: registry,
            abi: providerRegistryAbi,
            functionName: "isActive",
            args: [nodeKey],
          }),
        ]);
        return { nodeKey, owner: record.owner, stake: record.stake, active };
      }),
    );
    const active = providers.filter((p) => p.active);
    return {
      registered: providers.length,
      active: active.length,
      activeStake: active.reduce((sum, p) => sum + p.stake, 0n),
      providers,
    };
  } catch (error) {
    throw wrapChainError(error, "reading the provider registry");
  }
}
