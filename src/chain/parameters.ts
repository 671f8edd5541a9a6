// The governed parameters off-chain roles follow, by name. The ParameterStore keys them by keccak256(name); reading
// them all in one call per epoch keeps every oracle and gateway on the same numbers.
import { type Hex, keccak256, type PublicClient, stringToBytes } from "viem";
import { parameterStoreAbi } from "./artifacts.generated.ts";
import { wrapChainError } from "./write-contract.ts";

export const networkParameters = {
  /** A provider that answers no liveness challenge for this long within an epoch is jailed. */
  downtimeJailSeconds: "oracle.downtimeJailSeconds",
  /** Tokens slashed for one proven fraud (a wrong result outvoted by signed replicas). */
  slashAmount: "oracle.slashAmount",
  /** Share of each epoch's emission paid for verified paid work; the rest pays stake-weighted liveness. */
  workShareBps: "oracle.workShareBps",
  /** Work emission per unit of revenue, as a share of the burn that revenue caused: below 10,000 wash trading loses. */
  workEmissionCapBps: "oracle.workEmissionCapBps",
  /** Share of single-replica jobs a gateway silently re-runs elsewhere. */
  auditShareBps: "gateway.auditShareBps",
  /** Mean seconds between an oracle's liveness challenges to one provider. */
  challengeIntervalSeconds: "oracle.challengeIntervalSeconds",
} as const;

export type NetworkParameterName = (typeof networkParameters)[keyof typeof networkParameters];

export function parameterKey(name: string): Hex {
  return keccak256(stringToBytes(name));
}

/** Every known parameter in one call. */
export async function readNetworkParameters(
  client: PublicClient,
  store: Hex,
  /** The block to read them at (an epoch's last block, so every oracle computes with the same ones); default latest. */
  blockNumber?: bigint,
): Promise<Record<keyof typeof networkParameters, bigint>> {
  const names = Object.entries(networkParameters);
  try {
    const values = await client.readContract({
      address: store,
      abi: parameterStoreAbi,
      functionName: "getMany",
      args: [names.map(([, name]) => parameterKey(name))],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    });
    return Object.fromEntries(names.map(([field], i) => [field, values[i] as bigint])) as Record<
      keyof typeof networkParameters,
      bigint
    >;
  } catch (error) {
    throw wrapChainError(error, "reading network parameters");
  }
}

/**
 * Governed parameters read one at a time, each with a documented default for as long as governance has not set it
 * (ParameterStore.get reverts for a key never set; isSet tells first).
 */
export const verificationParameters = {
  /** Probability, in basis points, that one recomputation check catches a result faking minFraudShareBps of it. */
  detectionTargetBps: "verification.detectionTargetBps",
  /** The smallest faked share of a result (basis points) that the detection target is met for. */
  minFraudShareBps: "verification.minFraudShareBps",
} as const;

/** A governed parameter, or `fallback` when governance never set it. */
export async function readParameterOr(
  client: PublicClient,
  store: Hex,
  name: string,
  fallback: bigint,
  /** As of this block; default latest. */
  blockNumber?: bigint,
): Promise<bigint> {
  const key = parameterKey(name);
  const at = blockNumber === undefined ? {} : { blockNumber };
  try {
    const set = await client.readContract({
      address: store,
      abi: parameterStoreAbi,
      functionName: "isSet",
      args: [key],
      ...at,
    });
    if (!set) return fallback;
    return await client.readContract({
      address: store,
      abi: parameterStoreAbi,
      functionName: "get",
      args: [key],
      ...at,
    });
  } catch (error) {
    throw wrapChainError(error, `reading the governed parameter ${name}`);
  }
}
