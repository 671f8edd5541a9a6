// What the chain says about an epoch (docs/oracle.md, "Evidence" and "Epoch computation"): its window, emission,
// governed parameters, burn share, the registry at the epoch's last block, the revenue redeemed in blocks whose
// timestamp falls in the window, and — once posted — the root, lists and signers of `RootPosted`. Every read is
// pinned to blocks fixed by the window, so any oracle reading later gets the same numbers.
import type { Hex, PublicClient } from "viem";
import {
  type Deployment,
  escrowAbi,
  providerRegistryAbi,
  readNetworkParameters,
  rewardsAbi,
  wrapChainError,
} from "../../chain/index.ts";
import { epochParamsFrom } from "../epoch-params.ts";
import type { EpochParams, ProviderSnapshot } from "../epoch-types.ts";

export interface EpochWindow {
  epoch: number;
  /** Unix seconds, inclusive. */
  startTime: number;
  /** Unix seconds, exclusive. */
  endTime: number;
}

export function epochWindow(deployment: Deployment, epoch: number): EpochWindow {
  const { genesisTime, duration } = deployment.epoch;
  return { epoch, startTime: genesisTime + epoch * duration, endTime: genesisTime + (epoch + 1) * duration };
}

/** The epoch running at `unixSeconds` (0 before genesis). */
export function epochAt(deployment: Deployment, unixSeconds: number): number {
  const { genesisTime, duration } = deployment.epoch;
  return unixSeconds < genesisTime ? 0 : Math.floor((unixSeconds - genesisTime) / duration);
}

export interface EpochChainData {
  window: EpochWindow;
  emission: bigint;
  params: EpochParams;
  providers: ProviderSnapshot[];
  revenue: { owner: Hex; amount: bigint }[];
  /** The blocks read: revenue from `fromBlock` to `toBlock`, the registry at `toBlock`. */
  fromBlock: number;
  toBlock: number;
}

export interface PostedRoot {
  epoch: number;
  earningsRoot: Hex;
  cumulativeTotal: bigint;
  jailed: Hex[];
  slashes: { nodeKey: Hex; amount: bigint }[];
  signers: Hex[];
  blockNumber: number;
  transactionHash: Hex;
}

export interface EpochChainReader {
  readEpoch(epoch: number): Promise<EpochChainData>;
  readPostedRoot(epoch: number): Promise<PostedRoot | undefined>;
  nextEpoch(): Promise<number>;
  oracleSet(): Promise<{ oracles: Hex[]; threshold: number }>;
}

/** Reads epochs from chain, caching what cannot change any more (finished epochs, posted roots). */
export function createEpochChainReader(client: PublicClient, deployment: Deployment): EpochChainReader {
  const { contracts } = deployment;
  const blockTimes = new Map<number, number>();
  const epochs = new Map<number, Promise<EpochChainData>>();
  const roots = new Map<number, PostedRoot>();

  async function blockTime(n: number): Promise<number> {
    let t = blockTimes.get(n);
    if (t === undefined) {
      t = Number((await client.getBlock({ blockNumber: BigInt(n) })).timestamp);
      blockTimes.set(n, t);
    }
    return t;
  }

  /** The last block with timestamp < `t` (deployBlock − 1 when none since the deployment). */
  async function lastBlockBefore(t: number, latest: number): Promise<number> {
    let lo = deployment.deployBlock;
    if ((await blockTime(lo)) >= t) return lo - 1;
    let hi = latest;
    if ((await blockTime(hi)) < t) return hi;
    // blockTime(lo) < t <= blockTime(hi)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if ((await blockTime(mid)) < t) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  async function readProviders(blockNumber: bigint): Promise<ProviderSnapshot[]> {
    const code = await client.getCode({ address: contracts.registry, blockNumber });
    if (!code || code === "0x") return [];
    const at = { address: contracts.registry, abi: providerRegistryAbi, blockNumber } as const;
    const count = Number(await client.readContract({ ...at, functionName: "providerCount" }));
    const keys = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.readContract({ ...at, functionName: "providerAt", args: [BigInt(i)] }),
      ),
    );
    const records = await Promise.all(
      keys.map((k) => client.readContract({ ...at, functionName: "getProvider", args: [k] })),
    );
    return keys.map((nodeKey, i) => ({
      nodeKey: nodeKey.toLowerCase() as Hex,
      owner: (records[i]?.owner ?? "0x").toLowerCase() as Hex,
      stake: records[i]?.stake ?? 0n,
    }));
  }

  async function load(epoch: number): Promise<EpochChainData> {
    const window = epochWindow(deployment, epoch);
    try {
      const latest = Number(await client.getBlockNumber());
      const fromBlock = (await lastBlockBefore(window.startTime, latest)) + 1;
      const toBlock = await lastBlockBefore(window.endTime, latest);
      const [parameters, shares, emission] = await Promise.all([
        // As of the epoch's last block: a governance change after it does not reach back, and every oracle that
        // recomputes the epoch later reads the same values.
        readNetworkParameters(
          client,
          contracts.parameters,
          toBlock >= deployment.deployBlock ? BigInt(toBlock) : undefined,
        ),
        client.readContract({ address: contracts.escrow, abi: escrowAbi, functionName: "shares" }),
        client.readContract({
          address: contracts.rewards,
          abi: rewardsAbi,
          functionName: "emissionFor",
          args: [BigInt(epoch)],
        }),
      ]);
      const revenue = new Map<Hex, bigint>();
      let providers: ProviderSnapshot[] = [];
      if (toBlock >= deployment.deployBlock) {
        if (toBlock >= fromBlock) {
          const logs = await client.getContractEvents({
            address: contracts.escrow,
            abi: escrowAbi,
            eventName: "VoucherRedeemed",
            fromBlock: BigInt(fromBlock),
            toBlock: BigInt(toBlock),
          });
          for (const log of logs) {
            const owner = (log.args.provider ?? "0x").toLowerCase() as Hex;
            revenue.set(owner, (revenue.get(owner) ?? 0n) + (log.args.paid ?? 0n));
          }
        }
        providers = await readProviders(BigInt(toBlock));
      }
      return {
        window,
        emission,
        params: epochParamsFrom(parameters, shares),
        providers,
        revenue: [...revenue.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([owner, amount]) => ({ owner, amount })),
        fromBlock,
        toBlock,
      };
    } catch (error) {
      throw wrapChainError(error, `reading epoch ${epoch} from chain`);
    }
  }

  return {
    readEpoch(epoch) {
      let cached = epochs.get(epoch);
      if (!cached) {
        cached = load(epoch);
        epochs.set(epoch, cached);
        cached.catch(() => epochs.delete(epoch));
      }
      return cached;
    },
    async readPostedRoot(epoch) {
      const known = roots.get(epoch);
      if (known) return known;
      try {
        const logs = await client.getContractEvents({
          address: contracts.rewards,
          abi: rewardsAbi,
          eventName: "RootPosted",
          args: { epoch: BigInt(epoch) },
          fromBlock: BigInt(deployment.deployBlock),
        });
        const log = logs[0];
        if (!log) return undefined;
        const block = log.blockNumber;
        const [jailedLogs, slashLogs] = await Promise.all([
          client.getContractEvents({
            address: contracts.rewards,
            abi: rewardsAbi,
            eventName: "NodeJailed",
            args: { epoch: BigInt(epoch) },
            fromBlock: block,
            toBlock: block,
          }),
          client.getContractEvents({
            address: contracts.rewards,
            abi: rewardsAbi,
            eventName: "NodeSlashed",
            args: { epoch: BigInt(epoch) },
            fromBlock: block,
            toBlock: block,
          }),
        ]);
        const root: PostedRoot = {
          epoch,
          earningsRoot: (log.args.earningsRoot ?? "0x").toLowerCase() as Hex,
          cumulativeTotal: log.args.cumulativeTotal ?? 0n,
          jailed: jailedLogs.map((l) => (l.args.nodeKey ?? "0x").toLowerCase() as Hex),
          slashes: slashLogs.map((l) => ({
            nodeKey: (l.args.nodeKey ?? "0x").toLowerCase() as Hex,
            amount: l.args.requested ?? 0n,
          })),
          signers: (log.args.signers ?? []).map((s) => s.toLowerCase() as Hex),
          blockNumber: Number(block),
          transactionHash: log.transactionHash,
        };
        roots.set(epoch, root);
        return root;
      } catch (error) {
        throw wrapChainError(error, `reading the root of epoch ${epoch}`);
      }
    },
    async nextEpoch() {
      try {
        return Number(
          await client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "nextEpoch" }),
        );
      } catch (error) {
        throw wrapChainError(error, "reading Rewards.nextEpoch");
      }
    },
    async oracleSet() {
      try {
        const [oracles, threshold] = await Promise.all([
          client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "oracles" }),
          client.readContract({ address: contracts.rewards, abi: rewardsAbi, functionName: "threshold" }),
        ]);
        return {
          oracles: oracles.map((o) => o.toLowerCase() as Hex).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
          threshold: Number(threshold),
        };
      } catch (error) {
        throw wrapChainError(error, "reading the oracle set");
      }
    },
  };
}
