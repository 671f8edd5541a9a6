// Test support: a fresh anvil with the whole suite deployed as `npm start` deploys it, and helpers to register
// providers on it. Tests get real contracts on loopback, never mocks.
import { type Hex, parseUnits } from "viem";
import type { HDAccount } from "viem/accounts";
import {
  type Anvil,
  type ChainWallet,
  createChainPublicClient,
  createChainWallet,
  type Deployment,
  deployGroundwork,
  registerProvider,
  resourceTypeId,
  startAnvil,
} from "../chain/index.ts";
import { devAccount, devPrivateKey, localNetworkParams } from "../localnet/index.ts";
import type { NodeKey } from "../protocol/index.ts";
import { freePort } from "./processes.ts";

export interface TestChain {
  anvil: Anvil;
  deployment: Deployment;
  publicClient: ReturnType<typeof createChainPublicClient>;
  /** Dev account `index` of anvil's mnemonic as a wallet client (1–6 hold 1,000,000 GWK each at genesis). */
  wallet(index: number): ChainWallet;
  account(index: number): HDAccount;
  privateKey(index: number): Hex;
  stop(): Promise<void>;
}

export async function startTestChain(options: { epochSeconds?: number } = {}): Promise<TestChain> {
  const anvil = await startAnvil({ port: await freePort() });
  const publicClient = createChainPublicClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
  const wallet = (index: number) =>
    createChainWallet({ rpcUrl: anvil.rpcUrl, chainId: 31337, privateKey: devPrivateKey(index) });
  try {
    const head = await publicClient.getBlock();
    const config = localNetworkParams({ genesisTime: head.timestamp, epochSeconds: options.epochSeconds ?? 60 });
    const deployment = await deployGroundwork({ publicClient, walletClient: wallet(0), config, rpcUrl: anvil.rpcUrl });
    return {
      anvil,
      deployment,
      publicClient,
      wallet,
      account: devAccount,
      privateKey: devPrivateKey,
      stop: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}

/** Registers `nodeKey` owned by dev account `ownerIndex`, offering `resourceTypes`, with `stake` GWK. */
export async function registerTestProvider(
  chain: TestChain,
  params: { ownerIndex: number; nodeKey: NodeKey; resourceTypes?: string[]; stake?: string },
): Promise<void> {
  await registerProvider(chain.publicClient, chain.wallet(params.ownerIndex), {
    deployment: chain.deployment,
    nodeKey: params.nodeKey,
    resourceTypes: (params.resourceTypes ?? ["compute"]).map(resourceTypeId),
    stake: parseUnits(params.stake ?? "1000", 18),
  });
}
