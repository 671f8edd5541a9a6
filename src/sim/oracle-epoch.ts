// An oracle's epoch, end to end against the chain: the inputs computeEpoch needs, read from chain where the design
// says they live (registry snapshot, VoucherRedeemed revenue in the epoch's window, emission, governed parameters,
// the escrow's burn share), and the computed root co-signed M of N and posted to Rewards.postRoot.
import { encodeFunctionData, getAbiItem, type Hex, type PublicClient } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import {
  bundleRootSignatures,
  type Deployment,
  type EpochRoot,
  escrowAbi,
  readNetworkParameters,
  rewardsAbi,
  signEpochRoot,
} from "../chain/index.ts";
import { epochParamsFrom } from "../oracle/epoch-params.ts";
import type { EpochInputs, EpochResult, NodeLiveness, ProvenFraud } from "../oracle/index.ts";
import type { ChainDriver, MinedReceipt } from "./chain-driver.ts";
import type { RegistryEntry } from "./read-registry.ts";

export interface Redemption {
  customer: Hex;
  provider: Hex;
  paid: bigint;
  providerAmount: bigint;
  treasuryAmount: bigint;
  burnAmount: bigint;
  blockNumber: bigint;
}

export interface EpochChainInputs {
  inputs: EpochInputs;
  redemptions: Redemption[];
  /** The governed parameters read this epoch. */
  parameters: Awaited<ReturnType<typeof readNetworkParameters>>;
}

const voucherRedeemed = getAbiItem({ abi: escrowAbi, name: "VoucherRedeemed" });

/** VoucherRedeemed logs of `blocks` whose block timestamp lies in [startTime, endTime). */
export async function readRedemptions(
  driver: ChainDriver,
  params: { escrow: Hex; fromBlock: bigint; toBlock: bigint; startTime: number; endTime: number },
): Promise<Redemption[]> {
  if (params.toBlock < params.fromBlock) return [];
  const logs = await driver.publicClient.getLogs({
    address: params.escrow,
    event: voucherRedeemed,
    fromBlock: params.fromBlock,
    toBlock: params.toBlock,
    strict: true,
  });
  const numbers = [...new Set(logs.map((l) => l.blockNumber))];
  const blocks = (await driver.rpcBatch(
    numbers.map((n) => ({ method: "eth_getBlockByNumber", params: [`0x${n.toString(16)}`, false] })),
  )) as { timestamp: Hex }[];
  const timeOf = new Map(numbers.map((n, i) => [n, Number((blocks[i] as { timestamp: Hex }).timestamp)]));
  return logs
    .filter((l) => {
      const t = timeOf.get(l.blockNumber) ?? -1;
      return t >= params.startTime && t < params.endTime;
    })
    .map((l) => ({
      customer: l.args.customer.toLowerCase() as Hex,
      provider: l.args.provider.toLowerCase() as Hex,
      paid: l.args.paid,
      providerAmount: l.args.providerAmount,
      treasuryAmount: l.args.treasuryAmount,
      burnAmount: l.args.burnAmount,
      blockNumber: l.blockNumber,
    }));
}

export async function readEpochInputs(
  driver: ChainDriver,
  params: {
    deployment: Deployment;
    epoch: number;
    startTime: number;
    endTime: number;
    registry: ReadonlyMap<Hex, RegistryEntry>;
    liveness: NodeLiveness[];
    fraud: ProvenFraud[];
    previous: ReadonlyMap<Hex, bigint>;
    blocks: { from: bigint; to: bigint };
  },
): Promise<EpochChainInputs> {
  const { rewards, escrow, parameters: store } = params.deployment.contracts;
  const [emission, shares, parameters, redemptions] = await Promise.all([
    driver.read({ address: rewards, abi: rewardsAbi, functionName: "emissionFor", args: [BigInt(params.epoch)] }),
    driver.read({ address: escrow, abi: escrowAbi, functionName: "shares" }),
    readNetworkParameters(driver.publicClient as PublicClient, store),
    readRedemptions(driver, {
      escrow,
      fromBlock: params.blocks.from,
      toBlock: params.blocks.to,
      startTime: params.startTime,
      endTime: params.endTime,
    }),
  ]);
  const revenue = new Map<Hex, bigint>();
  for (const r of redemptions) revenue.set(r.provider, (revenue.get(r.provider) ?? 0n) + r.paid);
  const inputs: EpochInputs = {
    epoch: params.epoch,
    startTime: params.startTime,
    endTime: params.endTime,
    emission,
    params: epochParamsFrom(parameters, shares),
    providers: [...params.registry.values()].map((p) => ({ nodeKey: p.nodeKey, owner: p.owner, stake: p.stake })),
    revenue: [...revenue].map(([owner, amount]) => ({ owner, amount })),
    liveness: params.liveness,
    fraud: params.fraud,
    previous: params.previous,
  };
  return { inputs, redemptions, parameters };
}

/** The EIP-712 root an epoch result commits to. */
export function epochRootOf(result: EpochResult): EpochRoot {
  return {
    epoch: BigInt(result.epoch),
    earningsRoot: result.earningsRoot,
    cumulativeTotal: result.cumulativeTotal,
    jailed: result.jailed,
    slashes: result.slashes,
  };
}

/** Signs the root with each of `signers` (M of N), bundles the signatures and posts it in a block at `timestamp`. */
export async function postEpochRoot(
  driver: ChainDriver,
  params: {
    deployment: Deployment;
    root: EpochRoot;
    signers: PrivateKeyAccount[];
    poster: PrivateKeyAccount;
    timestamp: number;
  },
): Promise<MinedReceipt> {
  const { rewards } = params.deployment.contracts;
  const domain = { chainId: driver.chainId, rewards };
  const signed = await Promise.all(
    params.signers.map(async (account) => ({
      signer: account.address,
      signature: await signEpochRoot(account, domain, params.root),
    })),
  );
  const data = encodeFunctionData({
    abi: rewardsAbi,
    functionName: "postRoot",
    args: [params.root, bundleRootSignatures(signed)],
  });
  const penalties = BigInt(params.root.jailed.length + params.root.slashes.length);
  const sent = await driver.send(params.poster, [
    { to: rewards, data, gas: 1_000_000n + 100_000n * penalties, label: `postRoot(${params.root.epoch})` },
  ]);
  const [receipt] = await driver.settle(sent, params.timestamp);
  return receipt as MinedReceipt;
}
