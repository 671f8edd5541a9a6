// Test support: one more provider process on a running local network, with its own home, owner, offers and (for
// tests and simulations only) injected faults: how end-to-end tests add a cheater beside the honest providers.
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Hex, parseUnits } from "viem";
import {
  createChainPublicClient,
  createChainWallet,
  deploymentPath,
  readDeployment,
  registerProvider,
  resourceTypeId,
} from "../chain/index.ts";
import { devAccount, devPrivateKey } from "../localnet/index.ts";
import { type Faults, normalizeGatewayUrl, writeProviderConfig } from "../provider/index.ts";
import { createNodeKeyFile, saveAccount } from "../wallet/index.ts";
import { startGw, tempHome } from "./processes.ts";

const cheapKdf = { n: 2 ** 14, r: 8, p: 1 };

export interface ExtraProvider {
  nodeKey: Hex;
  pid: number;
  /** SIGTERM, wait for the exit, remove the home. */
  stop(): Promise<void>;
}

export async function startExtraProvider(params: {
  /** The network's home (its deployment is copied). */
  networkHome: string;
  gatewayUrl: string;
  /** The network's password file (gw start writes it); it unlocks this provider's keys too. */
  passwordFile: string;
  /** A dev account not used by the network's own providers or customer. */
  ownerIndex: number;
  offers: Record<string, unknown>;
  capacity?: number;
  faults?: Faults;
}): Promise<ExtraProvider> {
  const home = tempHome("gw-extra-provider-");
  const password = readFileSync(params.passwordFile, "utf8").trim();
  saveAccount(home.path, {
    name: "owner",
    privateKey: devPrivateKey(params.ownerIndex),
    password,
    cost: cheapKdf,
  });
  copyFileSync(deploymentPath(params.networkHome), deploymentPath(home.path));
  const nodeKey = createNodeKeyFile(join(home.path, "provider", "node-key.json"), password, cheapKdf);
  writeProviderConfig(home.path, {
    version: 1,
    owner: devAccount(params.ownerIndex).address,
    account: "owner",
    gateways: [normalizeGatewayUrl(params.gatewayUrl)],
    capacity: params.capacity ?? 2,
    offers: params.offers,
    redeem: { minAmount: "1", intervalSeconds: 30 },
    control: { host: "127.0.0.1", port: 0 },
    ...(params.faults ? { faults: params.faults } : {}),
  });
  const deployment = readDeployment(params.networkHome);
  await registerProvider(
    createChainPublicClient(deployment),
    createChainWallet({
      rpcUrl: deployment.rpcUrl,
      chainId: deployment.chainId,
      privateKey: devPrivateKey(params.ownerIndex),
    }),
    {
      deployment,
      nodeKey,
      resourceTypes: Object.keys(params.offers).map(resourceTypeId),
      stake: parseUnits("1000", 18),
    },
  );
  const child = await startGw(["provider", "start", "--json"], {
    env: { GW_HOME: home.path, GW_PASSWORD_FILE: params.passwordFile },
    timeoutMs: 240_000,
  });
  return {
    nodeKey: nodeKey.publicKey.toLowerCase() as Hex,
    pid: child.child.pid as number,
    async stop() {
      if (child.child.exitCode === null) child.child.kill("SIGTERM");
      await child.exited;
      home.remove();
    },
  };
}
