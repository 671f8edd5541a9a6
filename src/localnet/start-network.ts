// Boots the whole local network in one home folder: lock, chain, contracts, funded demo accounts, the deployment
// record; returns a handle whose stop() shuts every child down and frees the folder for the next start.
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  type Anvil,
  createChainPublicClient,
  createChainWallet,
  type Deployment,
  deployGroundwork,
  startAnvil,
  writeDeployment,
} from "../chain/index.ts";
import { writeJsonAtomic } from "../core/json-file.ts";
import { acquireLock } from "./lock.ts";
import { devAccount, devAccountRoles, devPrivateKey, localDemoBalance, localNetworkParams } from "./params.ts";

export interface LocalNetworkOptions {
  home: string;
  chainPort: number;
  epochSeconds?: number;
  log: (line: string) => void;
}

export interface LocalNetwork {
  deployment: Deployment;
  services: { name: string; url: string; pid: number | undefined }[];
  demoAccounts: { address: string; privateKey: string; balance: bigint }[];
  stop(): Promise<void>;
}

export function localnetStatePath(home: string): string {
  return join(home, "localnet.json");
}

export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const lock = acquireLock(options.home, "localnet");
  let anvil: Anvil | undefined;
  try {
    options.log(`starting the chain (anvil) on port ${options.chainPort}`);
    anvil = await startAnvil({ port: options.chainPort, chainId: 31337 });
    const publicClient = createChainPublicClient({ rpcUrl: anvil.rpcUrl, chainId: 31337 });
    const walletClient = createChainWallet({
      rpcUrl: anvil.rpcUrl,
      chainId: 31337,
      privateKey: devPrivateKey(devAccountRoles.deployer),
    });
    const head = await publicClient.getBlock();
    // Epoch 0 starts now, on the chain's clock, so the first epoch ends epochSeconds after boot.
    const config = localNetworkParams({ genesisTime: head.timestamp, epochSeconds: options.epochSeconds });
    options.log("deploying contracts");
    const deployment = await deployGroundwork({ publicClient, walletClient, config, rpcUrl: anvil.rpcUrl });
    writeDeployment(options.home, deployment);

    const services = [{ name: "chain", url: anvil.rpcUrl, pid: anvil.process.pid }];
    writeJsonAtomic(localnetStatePath(options.home), {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      services,
    });
    const demoAccounts = devAccountRoles.demo.map((i) => ({
      address: devAccount(i).address,
      privateKey: devPrivateKey(i),
      balance: localDemoBalance,
    }));

    const chain = anvil;
    let stopped = false;
    return {
      deployment,
      services,
      demoAccounts,
      async stop() {
        if (stopped) return;
        stopped = true;
        await chain.stop();
        rmSync(localnetStatePath(options.home), { force: true });
        lock.release();
      },
    };
  } catch (error) {
    await anvil?.stop();
    lock.release();
    throw error;
  }
}
