// viem clients for a deployment's chain: a public client for reads and, given a key, a wallet client for writes.
import {
  type Account,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

export type ChainWallet = WalletClient<Transport, Chain, Account>;

export function chainFor(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: chainId === 31337 ? "Groundwork local" : `chain ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

/**
 * `batch`: many concurrent reads share one JSON-RPC batch request (the indexer reads block headers this way).
 * `retryCount`: the transport's own retries (default 2); the indexer sets 0 and retries by splitting or next round.
 */
export function createChainPublicClient(params: {
  rpcUrl: string;
  chainId: number;
  batch?: boolean;
  retryCount?: number;
}): PublicClient {
  return createPublicClient({
    chain: chainFor(params.chainId, params.rpcUrl),
    transport: http(params.rpcUrl, {
      retryCount: params.retryCount ?? 2,
      timeout: 15_000,
      ...(params.batch ? { batch: { batchSize: 200, wait: 0 } } : {}),
    }),
    pollingInterval: 250,
  }) as PublicClient;
}

export function createChainWallet(params: { rpcUrl: string; chainId: number; privateKey: Hex }): ChainWallet {
  return createWalletClient({
    account: privateKeyToAccount(params.privateKey),
    chain: chainFor(params.chainId, params.rpcUrl),
    transport: http(params.rpcUrl, { retryCount: 0, timeout: 30_000 }),
  });
}
