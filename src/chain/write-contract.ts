// Sends a contract call the safe way: simulate first (a revert surfaces as its custom error, nothing is sent), then
// send with room above the gas estimate and wait for the receipt. Reverts become ContractRevertedError carrying the
// error's name and args, also for a transaction that reverts once mined (the state changed between simulation and
// block).
import {
  type Abi,
  BaseError,
  type ContractFunctionArgs,
  type ContractFunctionName,
  ContractFunctionRevertedError,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { GroundworkError, RemoteError } from "../core/errors.ts";
import type { ChainWallet } from "./clients.ts";

export class ContractRevertedError extends GroundworkError {
  override name = "ContractRevertedError";
  override readonly kind = "state";
}

export function wrapChainError(error: unknown, context: string): GroundworkError {
  if (error instanceof GroundworkError) return error;
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const name = reverted.data?.errorName ?? "unknown error";
      const args = (reverted.data?.args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : a));
      return new ContractRevertedError(`${context} reverted: ${name}`, {
        details: { error: name, args },
        cause: error,
      });
    }
    return new RemoteError(`${context} failed: ${error.shortMessage}`, {
      cause: error,
      hint: "Is the chain reachable? `gw status` tells.",
    });
  }
  return new RemoteError(`${context} failed`, { cause: error });
}

/** What one write of a token vote checkpoint to a fresh slot costs beyond updating one in place (measured: 22,616). */
const checkpointWriteGas = 25_000n;

/**
 * The gas limit for a call estimated at `estimate`. A node estimates at its current time, but the transaction is
 * mined later, and the token's vote checkpoints are keyed by block timestamp: a transfer, mint or burn that updates the
 * current second's checkpoint in place when estimated writes a new one when mined in a later second (a redeem
 * estimated at 109,105 gas reverted out of gas at 108,759 used; a second later it is estimated at 131,721). Room for
 * five such writes (a redeem pays the provider and the treasury and burns, each moving a checkpointed total or votes)
 * and a tenth more for whatever else varies. Only the gas used is paid.
 */
function gasWithHeadroom(estimate: bigint): bigint {
  return estimate + estimate / 10n + 5n * checkpointWriteGas;
}

export async function writeContractAndWait<
  const abi extends Abi,
  functionName extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(
  publicClient: PublicClient,
  wallet: ChainWallet,
  call: {
    address: Hex;
    abi: abi;
    functionName: functionName;
    args: ContractFunctionArgs<abi, "nonpayable" | "payable", functionName>;
  },
): Promise<TransactionReceipt> {
  const context = `${call.functionName}`;
  try {
    // biome-ignore lint/suspicious/noExplicitAny: viem's generic request type is too deep to name here.
    const { request } = await publicClient.simulateContract({ ...(call as any), account: wallet.account });
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    const estimate = await publicClient.estimateContractGas({ ...(call as any), account: wallet.account });
    const hash = await wallet.writeContract({ ...request, gas: gasWithHeadroom(estimate) });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw await explainRevert(publicClient, wallet, call, receipt, context);
    return receipt;
  } catch (error) {
    throw wrapChainError(error, context);
  }
}

/**
 * Why a sent transaction reverted although its simulation passed: the call is replayed on the state its block started
 * from, at its block's number and time and with its gas limit. A custom error names what changed under it; a replay
 * that fails at the limit but passes without one ran out of gas; a replay that passes means the state changed inside
 * the block, before it.
 */
async function explainRevert(
  publicClient: PublicClient,
  wallet: ChainWallet,
  call: unknown,
  receipt: TransactionReceipt,
  context: string,
): Promise<GroundworkError> {
  const hash = receipt.transactionHash;
  const details: Record<string, unknown> = {
    hash,
    block: receipt.blockNumber.toString(),
    gasUsed: receipt.gasUsed.toString(),
  };
  let gasLimit: bigint;
  let time: bigint;
  try {
    [gasLimit, time] = await Promise.all([
      publicClient.getTransaction({ hash }).then((t) => t.gas),
      publicClient.getBlock({ blockNumber: receipt.blockNumber }).then((b) => b.timestamp),
    ]);
  } catch (error) {
    details.replay = `could not be replayed: ${wrapChainError(error, context).message}`;
    return new ContractRevertedError(`${context} reverted on chain`, { details });
  }
  details.gasLimit = gasLimit.toString();
  const replay = (gas?: bigint) =>
    publicClient.simulateContract({
      ...(call as object),
      account: wallet.account,
      blockNumber: receipt.blockNumber - 1n,
      blockOverrides: { number: receipt.blockNumber, time },
      ...(gas === undefined ? {} : { gas }),
      // biome-ignore lint/suspicious/noExplicitAny: viem's generic request type is too deep to name here.
    } as any);
  try {
    await replay(gasLimit);
    details.replay = "passes on the state before its block";
    return new ContractRevertedError(`${context} reverted on chain`, { details });
  } catch (error) {
    const replayed = wrapChainError(error, context);
    const named = replayed instanceof ContractRevertedError ? replayed.details?.error : undefined;
    if (named !== undefined && named !== "unknown error") {
      return new ContractRevertedError(`${context} reverted on chain: ${String(named)}`, {
        details: { ...details, ...replayed.details },
        cause: error,
      });
    }
    if (
      await replay().then(
        () => true,
        () => false,
      )
    ) {
      details.replay = "fails at its gas limit and passes without one";
      return new ContractRevertedError(`${context} ran out of gas on chain`, {
        details,
        cause: error,
        hint: "The gas its estimate left room for was not enough once mined; sending it again estimates afresh.",
      });
    }
    details.replay = `could not be replayed: ${replayed.message}`;
    return new ContractRevertedError(`${context} reverted on chain`, { details, cause: error });
  }
}
