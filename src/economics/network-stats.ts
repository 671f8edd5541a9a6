// Per-epoch economics from chain alone (no indexer): emission, customer revenue, burn, treasury inflow, active
// providers and the revenue share, for the last N posted epochs. Burn and treasury inflow are the token's Transfer
// logs to the zero address and to the treasury inside each epoch's post window.
import { type Hex, type PublicClient, zeroAddress } from "viem";
import { type Deployment, rewardsAbi, tokenAbi, wrapChainError } from "../chain/index.ts";
import type { OracleClient } from "./oracle-client.ts";
import { epochAt, getPostedEpochs, type PostedEpoch, windowStartBlock } from "./posted-epochs.ts";
import { getRegistrySnapshot } from "./registry-snapshot.ts";
import { computeRevenueShare, type RevenueShare } from "./revenue-share.ts";

export interface TreasuryInflow {
  total: bigint;
  /** The escrow's treasury share of redemptions. */
  fees: bigint;
  /** Slashed stake sent by the registry. */
  slashes: bigint;
  other: bigint;
}

export interface EpochEconomics {
  epoch: number;
  postedAt: number;
  /** The blocks the window spans (inclusive). */
  fromBlock: bigint;
  toBlock: bigint;
  emission: bigint;
  revenue: bigint;
  burned: bigint;
  treasury: TreasuryInflow;
  revenueShare: RevenueShare;
  /** Providers the oracle counted (unjailed nodes of its breakdown); null without an oracle or its epoch. */
  oracleActiveProviders: number | null;
}

export interface NetworkStats {
  /** Epochs posted in all (nextEpoch). */
  postedEpochs: number;
  epochs: EpochEconomics[];
  totals: {
    emission: bigint;
    revenue: bigint;
    burned: bigint;
    treasury: TreasuryInflow;
    revenueShare: RevenueShare;
  };
  providers: { registered: number; active: number; activeStake: bigint };
  /** Token-wide counters now. */
  token: { totalSupply: bigint; totalBurned: bigint };
}

export interface GetNetworkStatsParams {
  deployment: Deployment;
  /** How many of the latest posted epochs. */
  epochs: number;
  oracle?: OracleClient;
}

const zeroInflow = (): TreasuryInflow => ({ total: 0n, fees: 0n, slashes: 0n, other: 0n });

export async function getNetworkStats(client: PublicClient, params: GetNetworkStatsParams): Promise<NetworkStats> {
  const { deployment } = params;
  const { contracts } = deployment;
  const allPosted = await getPostedEpochs(client, deployment);
  const selected = allPosted.slice(Math.max(0, allPosted.length - params.epochs));
  const [registry, token, revenues] = await Promise.all([
    getRegistrySnapshot(client, contracts.registry),
    readTokenCounters(client, contracts.token),
    readRevenues(client, contracts.rewards, selected),
  ]);

  const burned = new Map<number, bigint>();
  const inflow = new Map<number, TreasuryInflow>();
  const last = selected.at(-1);
  if (last) {
    const range = { fromBlock: windowStartBlock(deployment, selected[0]), toBlock: last.to.block };
    let burns: TransferLog[];
    let toTreasury: TransferLog[];
    try {
      [burns, toTreasury] = await Promise.all([
        getTransfers(client, contracts.token, zeroAddress, range),
        getTransfers(client, contracts.token, contracts.treasury, range),
      ]);
    } catch (error) {
      throw wrapChainError(error, "reading token transfers");
    }
    for (const log of burns) {
      const epoch = epochAt(selected, log.at);
      if (epoch) burned.set(epoch.epoch, (burned.get(epoch.epoch) ?? 0n) + log.value);
    }
    for (const log of toTreasury) {
      const epoch = epochAt(selected, log.at);
      if (!epoch) continue;
      const entry = inflow.get(epoch.epoch) ?? zeroInflow();
      entry.total += log.value;
      const from = log.from.toLowerCase();
      if (from === contracts.escrow.toLowerCase()) entry.fees += log.value;
      else if (from === contracts.registry.toLowerCase()) entry.slashes += log.value;
      else entry.other += log.value;
      inflow.set(epoch.epoch, entry);
    }
  }

  const oracleCounts = new Map<number, number>();
  if (params.oracle) {
    const oracle = params.oracle;
    const answers = await Promise.all(selected.map((e) => oracle.getEpoch(e.epoch)));
    for (const answer of answers) {
      if (answer) oracleCounts.set(answer.epoch, answer.nodes.filter((n) => !n.jailed).length);
    }
  }

  const epochs = selected.map((posted, i): EpochEconomics => {
    const revenue = revenues[i] ?? 0n;
    return {
      epoch: posted.epoch,
      postedAt: posted.postedAt,
      fromBlock: posted.from ? posted.from.block : BigInt(deployment.deployBlock),
      toBlock: posted.to.block,
      emission: posted.emission,
      revenue,
      burned: burned.get(posted.epoch) ?? 0n,
      treasury: inflow.get(posted.epoch) ?? zeroInflow(),
      revenueShare: computeRevenueShare(revenue, posted.emission),
      oracleActiveProviders: oracleCounts.get(posted.epoch) ?? null,
    };
  });
  const sum = (pick: (e: EpochEconomics) => bigint) => epochs.reduce((s, e) => s + pick(e), 0n);
  const totals = {
    emission: sum((e) => e.emission),
    revenue: sum((e) => e.revenue),
    burned: sum((e) => e.burned),
    treasury: {
      total: sum((e) => e.treasury.total),
      fees: sum((e) => e.treasury.fees),
      slashes: sum((e) => e.treasury.slashes),
      other: sum((e) => e.treasury.other),
    },
    revenueShare: { decimal: null, bps: null } as RevenueShare,
  };
  totals.revenueShare = computeRevenueShare(totals.revenue, totals.emission);
  return {
    postedEpochs: allPosted.length,
    epochs,
    totals,
    providers: { registered: registry.registered, active: registry.active, activeStake: registry.activeStake },
    token,
  };
}

interface TransferLog {
  from: Hex;
  value: bigint;
  at: { block: bigint; logIndex: number };
}

async function getTransfers(
  client: PublicClient,
  token: Hex,
  to: Hex,
  range: { fromBlock: bigint; toBlock: bigint },
): Promise<TransferLog[]> {
  const logs = await client.getContractEvents({
    address: token,
    abi: tokenAbi,
    eventName: "Transfer",
    args: { to },
    fromBlock: range.fromBlock,
    toBlock: range.toBlock,
    strict: true,
  });
  return logs.map((log) => ({
    from: log.args.from as Hex,
    value: log.args.value ?? 0n,
    at: { block: log.blockNumber ?? 0n, logIndex: log.logIndex ?? 0 },
  }));
}

async function readTokenCounters(client: PublicClient, token: Hex) {
  try {
    const [totalSupply, totalBurned] = await Promise.all([
      client.readContract({ address: token, abi: tokenAbi, functionName: "totalSupply" }),
      client.readContract({ address: token, abi: tokenAbi, functionName: "totalBurned" }),
    ]);
    return { totalSupply, totalBurned };
  } catch (error) {
    throw wrapChainError(error, "reading the token");
  }
}

async function readRevenues(client: PublicClient, rewards: Hex, epochs: readonly PostedEpoch[]): Promise<bigint[]> {
  try {
    return await Promise.all(
      epochs.map((e) =>
        client.readContract({ address: rewards, abi: rewardsAbi, functionName: "revenueOf", args: [BigInt(e.epoch)] }),
      ),
    );
  } catch (error) {
    throw wrapChainError(error, "reading Rewards.revenueOf");
  }
}
