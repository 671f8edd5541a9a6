// Boots the simulation's chain: a fresh anvil (or the one at --rpc-url), the real contract suite deployed with the
// simulation's genesis (short epochs, the sim's wallets as genesis holders), and every node key registered with the
// minimum stake. Registration is batched: each owner signs its approvals and registrations with consecutive nonces,
// everything is sent without waiting, and a few large blocks mine it all.
import { encodeFunctionData, type Hex, type PublicClient, parseEther } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import {
  type Anvil,
  createChainWallet,
  type Deployment,
  type DeployParams,
  deployGroundwork,
  escrowAbi,
  networkParameters,
  providerRegistryAbi,
  resourceTypeId,
  signProviderBinding,
  startAnvil,
  tokenAbi,
} from "../chain/index.ts";
import { freeLocalPort } from "../core/free-port.ts";
import { devAccountRoles, devPrivateKey, localNetworkParams } from "../localnet/index.ts";
import { type ChainDriver, createChainDriver, type SentTransaction, type SimCall } from "./chain-driver.ts";
import type { Population } from "./population.ts";
import type { SimOptions } from "./sim-options.ts";

export interface SimChain {
  driver: ChainDriver;
  deployment: Deployment;
  config: DeployParams;
  /** Rewards' genesis: epoch e covers [genesisTime + e·epochSeconds, genesisTime + (e+1)·epochSeconds). */
  genesisTime: number;
  epochSeconds: number;
  /** The stake each node registered with (the compute minimum). */
  stake: bigint;
  /** The three oracle wallets (local network dev accounts 7, 8, 9), ascending by address. */
  oracles: PrivateKeyAccount[];
  /** What each sim wallet was given at genesis. */
  genesisBalance: ReadonlyMap<Hex, bigint>;
  /** Registration and deposit transactions sent during setup. */
  setupTransactions: number;
  stop(): Promise<void>;
}

const REGISTER_GAS = 500_000n;
const SIMPLE_GAS = 150_000n;
const ETHER_FOR_GAS = parseEther("1000000");
/** Rewards' genesis lies this far after the chain's clock at deploy: setup never runs into epoch 0. */
const GENESIS_DELAY = 86_400;

/** What a full run needs in escrow per customer: every job paid up to three providers (audit + tie-break), plus room. */
export function customerBudget(options: SimOptions): bigint {
  const jobs = BigInt(options.jobsPerEpoch) * BigInt(options.epochs);
  return (jobs * options.jobPrice * 3n) / BigInt(options.customers) + parseEther("1");
}

/** The simulation's DeployParams: the local network's, with the sim's wallets as genesis holders. */
export function simNetworkParams(
  options: SimOptions,
  population: Population,
  genesisTime: bigint,
): { config: DeployParams; stake: bigint; balances: Map<Hex, bigint> } {
  const config = localNetworkParams({ genesisTime, epochSeconds: options.epochSeconds });
  const stake = config.registry.minStakes.find((m) => m.resourceType === "compute")?.amount ?? parseEther("1000");
  if (options.auditShareBps !== undefined) {
    config.parameters[networkParameters.auditShareBps] = BigInt(options.auditShareBps);
  }
  const balances = new Map<Hex, bigint>();
  for (const owner of population.owners) {
    const wash =
      owner.kind === "self-dealer" ? options.selfDealVolume * BigInt(owner.nodes.length) * BigInt(options.epochs) : 0n;
    balances.set(owner.address, stake * BigInt(owner.nodes.length) + wash);
  }
  const budget = customerBudget(options);
  for (const customer of population.customers) balances.set(customer.address, budget);
  config.token.genesis = [...balances].map(([holder, amount]) => ({ holder, amount }));
  const total = [...balances.values()].reduce((a, b) => a + b, 0n);
  if (total * 2n > config.token.cap) config.token.cap = total * 2n;
  return { config, stake, balances };
}

export async function setupSimChain(params: {
  options: SimOptions;
  population: Population;
  log: (line: string) => void;
}): Promise<SimChain> {
  const { options, population, log } = params;
  let anvil: Anvil | undefined;
  let rpcUrl = options.rpcUrl;
  if (!rpcUrl) {
    anvil = await startAnvil({ port: await freeLocalPort() });
    rpcUrl = anvil.rpcUrl;
  }
  try {
    const driver = await createChainDriver(rpcUrl);
    const oracles = devAccountRoles.oracles
      .map((i) => privateKeyToAccount(devPrivateKey(i)))
      .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
    const deployerKey = devPrivateKey(devAccountRoles.deployer);
    const wallets: Hex[] = [
      privateKeyToAccount(deployerKey).address,
      ...oracles.map((o) => o.address),
      ...population.owners.map((o) => o.address),
      ...population.customers.map((c) => c.address),
    ];
    await driver.rpcBatch(
      wallets.map((w) => ({ method: "anvil_setBalance", params: [w, `0x${ETHER_FOR_GAS.toString(16)}`] })),
    );
    await driver.rpc("evm_setAutomine", [true]);

    const genesisTime = (await driver.latestTimestamp()) + GENESIS_DELAY;
    const { config, stake, balances } = simNetworkParams(options, population, BigInt(genesisTime));
    const walletClient = createChainWallet({ rpcUrl, chainId: driver.chainId, privateKey: deployerKey });
    const deployment = await deployGroundwork({
      publicClient: driver.publicClient as PublicClient,
      walletClient,
      config,
      rpcUrl,
    });
    log(`deployed the contracts on ${rpcUrl}`);

    // From here on blocks are mined on demand, as large as they need to be.
    await driver.rpc("evm_setAutomine", [false]);
    await driver.rpc("evm_setBlockGasLimit", ["0x174876e800"]); // 100 billion
    const { token, registry, escrow } = deployment.contracts;
    const compute = [resourceTypeId("compute")];
    const sent: SentTransaction[] = [];
    const call = (to: Hex, data: Hex, label: string, gas = SIMPLE_GAS): SimCall => ({ to, data, gas, label });
    for (const owner of population.owners) {
      const calls: SimCall[] = [];
      const staked = stake * BigInt(owner.nodes.length);
      calls.push(
        call(
          token,
          encodeFunctionData({ abi: tokenAbi, functionName: "approve", args: [registry, staked] }),
          `owner ${owner.index}: approve stake`,
        ),
      );
      const wash = (balances.get(owner.address) ?? 0n) - staked;
      if (wash > 0n) {
        calls.push(
          call(
            token,
            encodeFunctionData({ abi: tokenAbi, functionName: "approve", args: [escrow, wash] }),
            `owner ${owner.index}: approve escrow`,
          ),
          call(
            escrow,
            encodeFunctionData({ abi: escrowAbi, functionName: "deposit", args: [wash] }),
            `owner ${owner.index}: deposit`,
          ),
        );
      }
      for (const node of owner.nodes) {
        const binding = signProviderBinding(node.key, {
          chainId: driver.chainId,
          registry,
          owner: owner.account.address,
        });
        calls.push(
          call(
            registry,
            encodeFunctionData({
              abi: providerRegistryAbi,
              functionName: "register",
              args: [node.key.publicKey, compute, "", 0n, stake, binding],
            }),
            `node ${node.index}: register`,
            REGISTER_GAS,
          ),
        );
      }
      sent.push(...(await driver.send(owner.account, calls)));
    }
    for (const customer of population.customers) {
      const budget = balances.get(customer.address) ?? 0n;
      sent.push(
        ...(await driver.send(customer.account, [
          call(
            token,
            encodeFunctionData({ abi: tokenAbi, functionName: "approve", args: [escrow, budget] }),
            `customer ${customer.index}: approve`,
          ),
          call(
            escrow,
            encodeFunctionData({ abi: escrowAbi, functionName: "deposit", args: [budget] }),
            `customer ${customer.index}: deposit`,
          ),
        ])),
      );
    }
    await driver.settle(sent);
    log(`registered ${population.nodes.length} node keys for ${population.owners.length} owners (${sent.length} txs)`);

    return {
      driver,
      deployment,
      config,
      genesisTime,
      epochSeconds: options.epochSeconds,
      stake,
      oracles,
      genesisBalance: balances,
      setupTransactions: sent.length,
      stop: async () => {
        await anvil?.stop();
      },
    };
  } catch (error) {
    await anvil?.stop();
    throw error;
  }
}
