// Sends a contract call the safe way: simulate first (a revert surfaces as its custom error, nothing is sent),
// then send and wait for the receipt. Reverts become ContractRevertedError carrying the error's name and args, also
// for a transaction that reverts once mined (the state changed between simulation and block).
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
    const hash = await wallet.writeContract(request);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw await explainRevert(publicClient, wallet, call, receipt, context);
    return receipt;
  } catch (error) {
    throw wrapChainError(error, context);
  }
}

/**
 * Why a sent transaction reverted although its simulation passed: the call is replayed on the state its block started
 * from, which names the custom error when the state changed under it; when the replay passes, the receipt's gas tells
 * whether it ran out of gas.
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
  try {
    details.gasLimit = (await publicClient.getTransaction({ hash })).gas.toString();
    const replay = { ...(call as object), account: wallet.account, blockNumber: receipt.blockNumber - 1n };
    // biome-ignore lint/suspicious/noExplicitAny: viem's generic request type is too deep to name here.
    await publicClient.simulateContract(replay as any);
    details.replay = "passes on the state before its block";
  } catch (error) {
    const replayed = wrapChainError(error, context);
    if (replayed instanceof ContractRevertedError) {
      return new ContractRevertedError(`${context} reverted on chain: ${String(replayed.details?.error)}`, {
        details: { ...details, ...replayed.details },
        cause: error,
      });
    }
    details.replay = `could not be replayed: ${replayed.message}`;
  }
  return new ContractRevertedError(`${context} reverted on chain`, { details });
}
