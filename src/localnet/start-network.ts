// Boots the whole local network in one home folder: lock, chain, contracts, a gateway and N providers (each its own
// process with its own key and stake), and a funded demo customer. stop() shuts every child down and frees the home.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseUnits } from "viem";
import {
  type Anvil,
  createChainPublicClient,
  createChainWallet,
  type Deployment,
  deployGroundwork,
  escrowAbi,
  registerProvider,
  resourceTypeId,
  startAnvil,
  tokenAbi,
  writeContractAndWait,
  writeDeployment,
} from "../chain/index.ts";
import { freeLocalPort } from "../core/free-port.ts";
import { writeFileAtomic, writeJsonAtomic } from "../core/json-file.ts";
import { normalizeGatewayUrl, writeProviderConfig } from "../provider/index.ts";
import { computeResource } from "../resources/compute/index.ts";
import { coverageResource } from "../resources/coverage/coverage-resource.ts";
import { defaultRenderOffer, renderResource } from "../resources/render/index.ts";
import { createNodeKeyFile, findAccount, listAccounts, saveAccount } from "../wallet/index.ts";
import { demoProviderLocation } from "./demo-locations.ts";
import { acquireLock } from "./lock.ts";
import {
  devAccount,
  devAccountRoles,
  devPrivateKey,
  localAccountsFor,
  localDemoBalance,
  localMaxProviders,
  localNetworkParams,
  providerOwnerIndex,
} from "./params.ts";
import { type RoleProcess, startRoleProcess } from "./role-process.ts";

export interface LocalNetworkOptions {
  home: string;
  chainPort: number;
  gatewayPort: number;
  /** At most localMaxProviders; beyond the five demo owners, providers are owned by dev accounts 10, 11, …. */
  providers: number;
  /** First oracle port (three oracles on it and the next two); 0 picks free ports. */
  oraclePort?: number;
  /** The indexer's API + dashboard port (default 8680); 0 picks a free port. */
  apiPort?: number;
  /** The simulated air's port (default 8620); 0 picks a free port. */
  airPort?: number;
  epochSeconds?: number;
  /** Forwarded to the gateway (--audit-share-bps); the gateway's default when undefined. */
  auditShareBps?: number;
  /** Forwarded to the gateway (--max-attempts); the gateway's default when undefined. */
  maxAttempts?: number;
  /** Jobs each provider runs at once (one worker thread each). Default 2. */
  providerCapacity?: number;
  /** Optional roles left out: a market alone (chain, gateway, providers) for work that needs no epochs or index. */
  without?: ReadonlySet<OptionalRole>;
  log: (line: string) => void;
}

/** Roles `gw start` may leave out; the chain, the gateway and the providers always run. */
export const optionalRoles = ["oracles", "indexer"] as const;
export type OptionalRole = (typeof optionalRoles)[number];

export interface LocalService {
  name: string;
  url: string;
  pid: number | undefined;
  /** Providers only: the node key the process serves. */
  nodeKey?: string;
  /** Oracles only: the oracle's wallet address. */
  address?: string;
  /** Oracles: the home folder the process runs from (to restart it). */
  home?: string;
}

export interface LocalNetwork {
  deployment: Deployment;
  services: LocalService[];
  /** The indexer's HTTP API (…/v1) and the dashboard it serves; undefined when the indexer is left out. */
  apiUrl: string | undefined;
  dashboardUrl: string | undefined;
  demoAccounts: { address: string; privateKey: string; balance: bigint }[];
  customer: { account: string; address: string; escrow: bigint };
  passwordFile: string;
  stop(): Promise<void>;
}

/** What the demo customer puts in escrow at start, so `gw compute run` works at once. */
export const localCustomerDeposit = parseUnits("10000", 18);

export function localnetStatePath(home: string): string {
  return join(home, "localnet.json");
}

/** The password of every keystore the local network creates (dev keys only), readable by the owner alone. */
function localPassword(home: string): { password: string; file: string } {
  const file = join(home, "localnet-password");
  if (existsSync(file)) return { password: readFileSync(file, "utf8").trim(), file };
  const password = randomBytes(18).toString("base64url");
  writeFileAtomic(file, `${password}\n`, 0o600);
  return { password, file };
}

const cheapKdf = { n: 2 ** 14, r: 8, p: 1 };

export async function startLocalNetwork(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const lock = acquireLock(options.home, "localnet");
  let anvil: Anvil | undefined;
  const roles: RoleProcess[] = [];
  const stopAll = async (): Promise<void> => {
    // Providers and oracles first (they finish or drop work), then the gateway, then the chain under them.
    await Promise.all(roles.filter((r) => r.name !== "gateway").map((r) => r.stop()));
    await Promise.all(roles.filter((r) => r.name === "gateway").map((r) => r.stop()));
    await anvil?.stop();
  };
  try {
    const { password, file: passwordFile } = localPassword(options.home);
    const logs = join(options.home, "logs");
    // Every start is a new chain: state derived from the previous one (gateway log, provider homes, payment
    // channels of the old escrow) would be wrong on this one.
    for (const stale of ["gateway", "providers", "oracles", "indexer"])
      rmSync(join(options.home, stale), { recursive: true, force: true });

    options.log(`starting the chain (anvil) on port ${options.chainPort}`);
    const count = Math.max(0, Math.min(options.providers, localMaxProviders));
    const { extraOwners, anvilAccounts } = localAccountsFor(count);
    anvil = await startAnvil({
      port: options.chainPort,
      chainId: 31337,
      ...(anvilAccounts > 10 ? { accounts: anvilAccounts } : {}),
    });
    const rpcUrl = anvil.rpcUrl;
    const publicClient = createChainPublicClient({ rpcUrl, chainId: 31337 });
    const wallet = (index: number) => createChainWallet({ rpcUrl, chainId: 31337, privateKey: devPrivateKey(index) });
    const head = await publicClient.getBlock();
    // Epoch 0 starts now, on the chain's clock, so the first epoch ends epochSeconds after boot.
    const config = localNetworkParams({
      genesisTime: head.timestamp,
      epochSeconds: options.epochSeconds,
      extraProviderOwners: extraOwners,
    });
    options.log("deploying contracts");
    const deployment = await deployGroundwork({
      publicClient,
      walletClient: wallet(devAccountRoles.deployer),
      config,
      rpcUrl,
    });
    writeDeployment(options.home, deployment);

    // The demo customer: dev account 6 in this home's keystore, with tokens in escrow.
    const customerIndex = devAccountRoles.customer;
    const customer = devAccount(customerIndex);
    const existing = listAccounts(options.home).find((a) => a.address.toLowerCase() === customer.address.toLowerCase());
    const customerAccount =
      existing ??
      saveAccount(options.home, {
        name: "customer",
        privateKey: devPrivateKey(customerIndex),
        password,
        cost: cheapKdf,
      });
    const customerWallet = wallet(customerIndex);
    await writeContractAndWait(publicClient, customerWallet, {
      address: deployment.contracts.token,
      abi: tokenAbi,
      functionName: "approve",
      args: [deployment.contracts.escrow, localCustomerDeposit],
    });
    await writeContractAndWait(publicClient, customerWallet, {
      address: deployment.contracts.escrow,
      abi: escrowAbi,
      functionName: "deposit",
      args: [localCustomerDeposit],
    });

    const env = { GW_PASSWORD_FILE: passwordFile, GW_HOME: options.home };
    options.log("starting the gateway");
    const gateway = await startRoleProcess({
      name: "gateway",
      args: [
        "gateway",
        "start",
        "--home",
        options.home,
        "--port",
        String(options.gatewayPort),
        ...(options.auditShareBps === undefined ? [] : ["--audit-share-bps", String(options.auditShareBps)]),
        ...(options.maxAttempts === undefined ? [] : ["--max-attempts", String(options.maxAttempts)]),
      ],
      env,
      logFile: join(logs, "gateway.log"),
    });
    roles.push(gateway);
    const gatewayUrl = String(gateway.status.url);

    const withOracles = !options.without?.has("oracles");
    const withIndexer = !options.without?.has("indexer");
    // The simulated air the providers' coverage hotspots share (one RF world for all their processes). Hotspots
    // report to the oracles, so a network without oracles runs neither.
    const air = withOracles
      ? await startRoleProcess({
          name: "air",
          args: ["coverage", "air", "start", "--home", options.home, "--port", String(options.airPort ?? 8620)],
          env,
          logFile: join(logs, "air.log"),
        })
      : undefined;
    if (air) roles.push(air);
    const airUrl = air ? String(air.status.url) : undefined;

    // Oracle ports are fixed before the providers start: their hotspots report to the oracles.
    const base = options.oraclePort ?? 8610;
    const oraclePorts: number[] = [];
    for (let i = 0; i < (withOracles ? devAccountRoles.oracles.length : 0); i++)
      oraclePorts.push(base === 0 ? await freeLocalPort() : base + i);
    const oracleUrls = oraclePorts.map((port) => `http://127.0.0.1:${port}`);

    // Providers: each a home of its own under providers/, owned by a demo account, registered and staked.
    const providerHomes: string[] = [];
    for (let i = 0; i < count; i++) {
      const ownerIndex = providerOwnerIndex(i);
      const home = join(options.home, "providers", `p${i + 1}`);
      writeDeployment(home, deployment);
      saveAccount(home, { name: "owner", privateKey: devPrivateKey(ownerIndex), password, cost: cheapKdf });
      const nodeKey = createNodeKeyFile(join(home, "provider", "node-key.json"), password, cheapKdf);
      writeProviderConfig(home, {
        version: 1,
        owner: devAccount(ownerIndex).address,
        account: "owner",
        gateways: [normalizeGatewayUrl(gatewayUrl)],
        capacity: options.providerCapacity ?? 2,
        offers: {
          [computeResource.name]: {
            pricePerJob: parseUnits("0.01", 18).toString(),
            pricePerSecond: parseUnits("0.001", 18).toString(),
            maxMemoryBytes: 512 * 1024 ** 2,
            maxWallMs: 600_000,
            maxOutputBytes: 64 * 1024 ** 2,
          },
          [renderResource.name]: defaultRenderOffer,
          // Every demo provider is also a coverage hotspot on the simulated air, at its registered cell.
          ...(airUrl ? { [coverageResource.name]: { oracles: oracleUrls, radio: { kind: "sim", air: airUrl } } } : {}),
        },
        redeem: { minAmount: "1", intervalSeconds: 30 },
        control: { host: "127.0.0.1", port: 0 },
      });
      await registerProvider(publicClient, wallet(ownerIndex), {
        deployment,
        nodeKey,
        resourceTypes: [computeResource.name, renderResource.name, coverageResource.name].map((n) => resourceTypeId(n)),
        stake: parseUnits("1000", 18),
        h3Cell: demoProviderLocation(i).h3Cell,
      });
      providerHomes.push(home);
    }
    options.log(`starting ${count} providers`);
    // A few at a time (one per core): many node processes starting at once on a small machine can each take longer
    // than the start timeout. Each is in `roles` as soon as it is up, so a failed start stops the ones already up.
    const providers: RoleProcess[] = new Array(providerHomes.length);
    let nextProvider = 0;
    await Promise.all(
      Array.from({ length: Math.min(providerHomes.length, Math.max(2, availableParallelism())) }, async () => {
        for (;;) {
          const i = nextProvider++;
          const home = providerHomes[i];
          if (home === undefined) return;
          const role = await startRoleProcess({
            name: `provider-${i + 1}`,
            args: ["provider", "start", "--home", home],
            env: { ...env, GW_HOME: home },
            logFile: join(logs, `provider-${i + 1}.log`),
            startTimeoutMs: 120_000,
          });
          roles.push(role);
          providers[i] = role;
        }
      }),
    );

    // Oracles: dev accounts 7, 8, 9 (the deployed set, 2 of 3), each in its own home, peers of one another.
    const oracleHomes = devAccountRoles.oracles.slice(0, oraclePorts.length).map((index, i) => {
      const home = join(options.home, "oracles", `o${i + 1}`);
      writeDeployment(home, deployment);
      saveAccount(home, { name: "oracle", privateKey: devPrivateKey(index), password, cost: cheapKdf });
      return home;
    });
    // The oracles and the indexer (API + dashboard) start side by side: the indexer needs only their URLs. Each
    // process is in `roles` as soon as it is up, and every start is awaited, so a failure stops them all.
    const starting = [
      ...(withOracles ? [`${oracleHomes.length} oracles`] : []),
      ...(withIndexer ? ["the indexer and the API"] : []),
    ];
    if (starting.length > 0) options.log(`starting ${starting.join(", ")}`);
    const track = (start: Promise<RoleProcess>) =>
      start.then((role) => {
        roles.push(role);
        return role;
      });
    const oracleStarts = oracleHomes.map((home, i) =>
      track(
        startRoleProcess({
          name: `oracle-${i + 1}`,
          args: [
            "oracle",
            "start",
            "--home",
            home,
            "--account",
            "oracle",
            "--port",
            String(oraclePorts[i]),
            "--gateway",
            gatewayUrl,
            ...oracleUrls.filter((_, j) => j !== i).flatMap((url) => ["--peer", url]),
          ],
          env: { ...env, GW_HOME: home },
          logFile: join(logs, `oracle-${i + 1}.log`),
        }),
      ),
    );
    // The indexer follows the chain, the oracles' results and the gateway's job feed.
    const indexerStart = withIndexer
      ? track(
          startRoleProcess({
            name: "indexer",
            args: [
              "indexer",
              "start",
              "--home",
              options.home,
              "--api-port",
              String(options.apiPort ?? 8680),
              "--gateway",
              gatewayUrl,
              ...oracleUrls.flatMap((url) => ["--oracle", url]),
            ],
            env,
            logFile: join(logs, "indexer.log"),
            startTimeoutMs: 120_000,
          }),
        )
      : undefined;
    const started = await Promise.allSettled([...oracleStarts, ...(indexerStart ? [indexerStart] : [])]);
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const oracles = await Promise.all(oracleStarts);
    const indexer = await indexerStart;
    const apiUrl = indexer ? String(indexer.status.apiUrl ?? "") : undefined;
    const dashboardUrl = indexer ? String(indexer.status.dashboardUrl ?? "") : undefined;

    const services: LocalService[] = [
      { name: "chain", url: rpcUrl, pid: anvil.process.pid },
      { name: "gateway", url: gatewayUrl, pid: gateway.pid },
      ...(air && airUrl ? [{ name: "air", url: airUrl, pid: air.pid }] : []),
      ...providers.map((p) => ({
        name: p.name,
        url: String(p.status.control ?? ""),
        pid: p.pid,
        nodeKey: String(p.status.nodeKey ?? ""),
      })),
      ...oracles.map((o, i) => ({
        name: o.name,
        url: String(o.status.url ?? ""),
        pid: o.pid,
        address: String(o.status.oracle ?? ""),
        home: oracleHomes[i] as string,
      })),
      ...(indexer && apiUrl && dashboardUrl
        ? [
            { name: "api", url: apiUrl, pid: indexer.pid },
            { name: "dashboard", url: dashboardUrl, pid: indexer.pid },
          ]
        : []),
    ];
    writeJsonAtomic(localnetStatePath(options.home), {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      services,
      passwordFile,
    });
    let stopped = false;
    for (const role of roles) {
      void role.exited.then((code) => {
        if (!stopped)
          options.log(`${role.name} exited unexpectedly (code ${code}); its log: ${join(logs, `${role.name}.log`)}`);
      });
    }
    const demoAccounts = devAccountRoles.demo.map((i) => ({
      address: devAccount(i).address,
      privateKey: devPrivateKey(i),
      balance: localDemoBalance,
    }));

    return {
      deployment,
      services,
      apiUrl,
      dashboardUrl,
      demoAccounts,
      customer: {
        account: findAccount(options.home, customerAccount.name).name,
        address: customer.address,
        escrow: localCustomerDeposit,
      },
      passwordFile,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopAll();
        rmSync(localnetStatePath(options.home), { force: true });
        lock.release();
      },
    };
  } catch (error) {
    await stopAll();
    lock.release();
    throw error;
  }
}
