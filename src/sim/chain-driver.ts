// The simulation's hands on the chain: JSON-RPC batches, transactions signed locally and sent without waiting
// (explicit nonces), blocks mined on demand at chosen timestamps (automine off), and batched contract reads. Anvil
// takes thousands of transactions a second this way; waiting for each receipt would take minutes.
import {
  type Abi,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type DecodeFunctionResultReturnType,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  type PublicClient,
  parseGwei,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { createChainPublicClient } from "../chain/index.ts";
import { GroundworkError, RemoteError } from "../core/errors.ts";

/** A transaction the simulation needed did not succeed. */
export class SimChainError extends GroundworkError {
  override name = "SimChainError";
}

export interface SimCall {
  to: Hex;
  data: Hex;
  gas: bigint;
  /** What the call is, for errors. */
  label: string;
}

export interface SentTransaction {
  hash: Hex;
  label: string;
}

export interface MinedReceipt {
  hash: Hex;
  label: string;
  blockNumber: bigint;
  gasUsed: bigint;
}

export interface ContractRead {
  address: Hex;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
}

export interface ChainDriver {
  rpcUrl: string;
  chainId: number;
  publicClient: PublicClient;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** Several requests in one HTTP round trip, answers in order; a failed one throws. */
  rpcBatch(requests: { method: string; params: unknown[] }[]): Promise<unknown[]>;
  /** Signs and sends `calls` from `account` in order with consecutive nonces; does not wait. */
  send(account: PrivateKeyAccount, calls: SimCall[]): Promise<SentTransaction[]>;
  /** Mines blocks until the pool is empty; the first at `timestamp` (seconds), the next ones a second apart. */
  mine(timestamp?: number): Promise<number>;
  /** Mines what is pending (at `timestamp`) and checks that every transaction in `sent` succeeded. */
  settle(sent: SentTransaction[], timestamp?: number): Promise<MinedReceipt[]>;
  /** Batched eth_call reads, decoded. */
  readMany<T = unknown>(reads: ContractRead[]): Promise<T[]>;
  read<
    const abi extends Abi,
    name extends ContractFunctionName<abi, "view" | "pure">,
    const args extends ContractFunctionArgs<abi, "view" | "pure", name>,
  >(read: {
    address: Hex;
    abi: abi;
    functionName: name;
    args?: args;
  }): Promise<DecodeFunctionResultReturnType<abi, name>>;
  latestTimestamp(): Promise<number>;
}

const RPC_CHUNK = 500;
const maxFeePerGas = parseGwei("1000");

export async function createChainDriver(rpcUrl: string): Promise<ChainDriver> {
  let id = 0;
  const post = async (body: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch (cause) {
      throw new RemoteError(`cannot reach the chain at ${rpcUrl}`, { cause });
    }
    if (!response.ok) throw new RemoteError(`the chain answered HTTP ${response.status}`, { details: { rpcUrl } });
    return response.json();
  };
  const answer = (reply: { result?: unknown; error?: { message: string; data?: unknown } }, method: string) => {
    if (reply.error) {
      throw new RemoteError(`${method} failed: ${reply.error.message}`, { details: { data: reply.error.data } });
    }
    return reply.result;
  };
  const rpc = async <T>(method: string, params: unknown[] = []): Promise<T> =>
    answer((await post({ jsonrpc: "2.0", id: ++id, method, params })) as never, method) as T;
  const rpcBatch = async (requests: { method: string; params: unknown[] }[]): Promise<unknown[]> => {
    const out: unknown[] = [];
    for (let i = 0; i < requests.length; i += RPC_CHUNK) {
      const chunk = requests.slice(i, i + RPC_CHUNK);
      const first = id + 1;
      id += chunk.length;
      const replies = (await post(
        chunk.map((r, k) => ({ jsonrpc: "2.0", id: first + k, method: r.method, params: r.params })),
      )) as { id: number; result?: unknown; error?: { message: string } }[];
      const byId = new Map(replies.map((r) => [r.id, r]));
      chunk.forEach((r, k) => {
        const reply = byId.get(first + k);
        if (!reply) throw new RemoteError(`no answer to ${r.method} in a batch`);
        out.push(answer(reply, r.method));
      });
    }
    return out;
  };

  const chainId = Number(await rpc<Hex>("eth_chainId"));
  const publicClient = createChainPublicClient({ rpcUrl, chainId });
  const nonces = new Map<Hex, number>();

  const mine = async (timestamp?: number): Promise<number> => {
    let blocks = 0;
    let next = timestamp;
    for (;;) {
      if (next !== undefined) await rpc("evm_setNextBlockTimestamp", [next]);
      await rpc("evm_mine");
      blocks++;
      if (next !== undefined) next++;
      const status = await rpc<{ pending: Hex; queued: Hex }>("txpool_status");
      if (Number(status.pending) === 0 && Number(status.queued) === 0) return blocks;
      if (blocks > 10_000) throw new SimChainError("transactions stay pending", { details: { status } });
    }
  };

  /** Replays a reverted transaction as a call on its parent block to recover the revert data (best effort). */
  const revertDataOf = async (hash: Hex, blockNumber: Hex): Promise<string> => {
    try {
      const tx = await rpc<{ from: Hex; to: Hex; input: Hex; gas: Hex }>("eth_getTransactionByHash", [hash]);
      const parent = `0x${(BigInt(blockNumber) - 1n).toString(16)}`;
      await rpc("eth_call", [{ from: tx.from, to: tx.to, data: tx.input, gas: tx.gas }, parent]);
      return "none (the call succeeds on the parent block)";
    } catch (error) {
      return error instanceof RemoteError ? `${error.message} ${JSON.stringify(error.details.data ?? "")}` : "unknown";
    }
  };

  const driver: ChainDriver = {
    rpcUrl,
    chainId,
    publicClient,
    rpc,
    rpcBatch,
    async send(account, calls) {
      const address = account.address.toLowerCase() as Hex;
      let nonce = nonces.get(address);
      if (nonce === undefined) nonce = Number(await rpc<Hex>("eth_getTransactionCount", [address, "pending"]));
      const raw: Hex[] = [];
      for (const call of calls) {
        raw.push(
          await account.signTransaction({
            type: "eip1559",
            chainId,
            nonce: nonce++,
            to: call.to,
            data: call.data,
            gas: call.gas,
            maxFeePerGas,
            maxPriorityFeePerGas: 0n,
            value: 0n,
          }),
        );
      }
      nonces.set(address, nonce);
      const hashes = await rpcBatch(raw.map((tx) => ({ method: "eth_sendRawTransaction", params: [tx] })));
      return hashes.map((hash, i) => ({ hash: hash as Hex, label: (calls[i] as SimCall).label }));
    },
    mine,
    async settle(sent, timestamp) {
      await mine(timestamp);
      const receipts = (await rpcBatch(
        sent.map((s) => ({ method: "eth_getTransactionReceipt", params: [s.hash] })),
      )) as ({ status: Hex; blockNumber: Hex; gasUsed: Hex } | null)[];
      for (let i = 0; i < receipts.length; i++) {
        const receipt = receipts[i];
        const tx = sent[i] as SentTransaction;
        if (!receipt) throw new SimChainError(`${tx.label}: not mined`, { details: { hash: tx.hash } });
        if (receipt.status !== "0x1") {
          throw new SimChainError(`${tx.label}: reverted`, {
            details: { hash: tx.hash, revert: await revertDataOf(tx.hash, receipt.blockNumber) },
            hint: "The revert data is the contract's custom error; `cast run HASH` on the same chain shows the trace.",
          });
        }
      }
      return receipts.map((receipt, i) => {
        const tx = sent[i] as SentTransaction;
        if (!receipt) throw new SimChainError(`${tx.label}: not mined`);
        return {
          hash: tx.hash,
          label: tx.label,
          blockNumber: BigInt(receipt.blockNumber),
          gasUsed: BigInt(receipt.gasUsed),
        };
      });
    },
    async readMany<T>(reads: ContractRead[]): Promise<T[]> {
      const data = reads.map((r) =>
        encodeFunctionData({ abi: r.abi, functionName: r.functionName, args: r.args } as never),
      );
      const results = (await rpcBatch(
        reads.map((r, i) => ({ method: "eth_call", params: [{ to: r.address, data: data[i] }, "latest"] })),
      )) as Hex[];
      return results.map(
        (result, i) =>
          decodeFunctionResult({
            abi: (reads[i] as ContractRead).abi,
            functionName: (reads[i] as ContractRead).functionName,
            data: result,
          } as never) as T,
      );
    },
    async read(read) {
      const [value] = await driver.readMany([read as ContractRead]);
      return value as never;
    },
    async latestTimestamp() {
      const block = await rpc<{ timestamp: Hex }>("eth_getBlockByNumber", ["latest", false]);
      return Number(block.timestamp);
    },
  };
  return driver;
}
