// Sends a contract call the safe way: simulate first (a revert surfaces as its custom error, nothing is sent),
// then send and wait for the receipt. Reverts become ContractRevertedError carrying the error's name and args.
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
    if (receipt.status !== "success") {
      throw new ContractRevertedError(`${context} reverted on chain`, { details: { hash } });
    }
    return receipt;
  } catch (error) {
    throw wrapChainError(error, context);
  }
}
