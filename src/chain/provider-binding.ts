// The node key ↔ owner binding: the node key's Ed25519 signature over ProviderRegistry.bindingMessage. The EVM
// cannot check Ed25519 cheaply, so the registry stores the signature and every gateway and oracle checks it here
// before trusting that a node key belongs to its registered owner.
import { encodeAbiParameters, type Hex, hexToBytes, keccak256, type PublicClient } from "viem";
import { type NodeKey, verifyNodeSignature } from "../protocol/index.ts";
import { providerRegistryAbi } from "./artifacts.generated.ts";

export function providerBindingMessage(params: { chainId: number; registry: Hex; nodeKey: Hex; owner: Hex }): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "string" }, { type: "uint256" }, { type: "address" }, { type: "bytes32" }, { type: "address" }],
      ["groundwork.registry.bind", BigInt(params.chainId), params.registry, params.nodeKey, params.owner],
    ),
  );
}

export function signProviderBinding(nodeKey: NodeKey, params: { chainId: number; registry: Hex; owner: Hex }): Hex {
  return nodeKey.sign(hexToBytes(providerBindingMessage({ ...params, nodeKey: nodeKey.publicKey })));
}

export function verifyProviderBinding(params: {
  chainId: number;
  registry: Hex;
  nodeKey: Hex;
  owner: Hex;
  signature: Hex;
}): boolean {
  return verifyNodeSignature(params.nodeKey, hexToBytes(providerBindingMessage(params)), params.signature);
}

export interface RegisteredProvider {
  nodeKey: Hex;
  owner: Hex;
  stake: bigint;
  unbonding: bigint;
  jailedUntil: number;
  h3Cell: bigint;
  resourceTypes: Hex[];
  endpoint: string;
  active: boolean;
  /** The stored binding signature verifies against the registered owner. */
  bindingValid: boolean;
}

/** Reads a node key's registration and checks its binding; undefined when the key is not registered. */
export async function getRegisteredProvider(
  client: PublicClient,
  params: { chainId: number; registry: Hex; nodeKey: Hex },
): Promise<RegisteredProvider | undefined> {
  const [record, active] = await Promise.all([
    client.readContract({
      address: params.registry,
      abi: providerRegistryAbi,
      functionName: "getProvider",
      args: [params.nodeKey],
    }),
    client.readContract({
      address: params.registry,
      abi: providerRegistryAbi,
      functionName: "isActive",
      args: [params.nodeKey],
    }),
  ]);
  if (record.owner === "0x0000000000000000000000000000000000000000") return undefined;
  return {
    nodeKey: params.nodeKey,
    owner: record.owner,
    stake: record.stake,
    unbonding: record.unbonding,
    jailedUntil: Number(record.jailedUntil),
    h3Cell: record.h3Cell,
    resourceTypes: [...record.resourceTypes],
    endpoint: record.endpoint,
    active,
    bindingValid: verifyProviderBinding({
      chainId: params.chainId,
      registry: params.registry,
      nodeKey: params.nodeKey,
      owner: record.owner,
      signature: record.nodeSig,
    }),
  };
}
