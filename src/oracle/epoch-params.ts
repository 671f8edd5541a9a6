// The epoch's parameters as the engine takes them, from the governed ParameterStore values and Escrow's shares.
import type { readNetworkParameters } from "../chain/index.ts";
import type { EpochParams } from "./epoch-types.ts";

export function epochParamsFrom(
  parameters: Awaited<ReturnType<typeof readNetworkParameters>>,
  shares: readonly [number, number, number],
): EpochParams {
  return {
    workShareBps: parameters.workShareBps,
    workEmissionCapBps: parameters.workEmissionCapBps,
    downtimeJailSeconds: parameters.downtimeJailSeconds,
    slashAmount: parameters.slashAmount,
    burnBps: BigInt(shares[2]),
  };
}
