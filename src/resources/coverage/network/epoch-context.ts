// What an epoch's proof of coverage rests on, read from chain so any oracle or verifier gets the same: the hotspots
// (registered for coverage with an asserted cell, as of the last block before the epoch started), the oracle set,
// and the public seed, bound to the root posted two epochs earlier (the previous one is not posted yet when the
// epoch starts, and hotspots must learn their slots during it).
import type { Hex, PublicClient } from "viem";
import { type Deployment, providerRegistryAbi, resourceTypeId, wrapChainError } from "../../../chain/index.ts";
import { StateError } from "../../../core/errors.ts";
import { type EpochChainReader, epochWindow } from "../../../oracle/daemon/index.ts";
import { type CoverageHotspot, cellFromChain, scheduleSeed } from "../poc/index.ts";
import { coverageTypeName } from "./network-params.ts";

const zeroRoot = `0x${"0".repeat(64)}` as Hex;

export interface CoverageEpochContext {
  epoch: number;
  seed: Hex;
  oracles: Hex[];
  hotspots: CoverageHotspot[];
  genesisMs: number;
  epochMs: number;
}

/** Registered coverage hotspots (node key, owner, asserted cell) at `blockNumber`, sorted by node key. */
export async function readCoverageHotspots(
  client: PublicClient,
  deployment: Deployment,
  blockNumber: bigint,
): Promise<CoverageHotspot[]> {
  if (blockNumber < BigInt(deployment.deployBlock)) return [];
  const coverage = resourceTypeId(coverageTypeName).toLowerCase();
  const at = { address: deployment.contracts.registry, abi: providerRegistryAbi, blockNumber } as const;
  try {
    const count = Number(await client.readContract({ ...at, functionName: "providerCount" }));
    const keys = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.readContract({ ...at, functionName: "providerAt", args: [BigInt(i)] }),
      ),
    );
    const records = await Promise.all(
      keys.map((k) => client.readContract({ ...at, functionName: "getProvider", args: [k] })),
    );
    return keys
      .map((nodeKey, i) => ({ nodeKey: nodeKey.toLowerCase() as Hex, record: records[i] }))
      .filter(({ record }) => record?.resourceTypes.some((t) => t.toLowerCase() === coverage))
      .map(({ nodeKey, record }) => ({
        nodeKey,
        owner: (record?.owner ?? "0x").toLowerCase() as Hex,
        cell: cellFromChain(record?.h3Cell ?? 0n),
      }))
      .sort((a, b) => (a.nodeKey < b.nodeKey ? -1 : 1));
  } catch (error) {
    throw wrapChainError(error, "reading the coverage hotspots");
  }
}

/**
 * The context of `epoch`. Throws StateError while it cannot be known yet (the epoch has not started, or the root it
 * is bound to is not posted): callers ask again later.
 */
export async function readCoverageEpochContext(params: {
  client: PublicClient;
  deployment: Deployment;
  reader: EpochChainReader;
  epoch: number;
  now: () => number;
}): Promise<CoverageEpochContext> {
  const { deployment, reader, epoch } = params;
  const window = epochWindow(deployment, epoch);
  // A second's margin: a block mined in the epoch's first second must not count as before it.
  if (params.now() < window.startTime * 1000 + 1_000) {
    throw new StateError("this epoch has not started yet", { details: { epoch } });
  }
  let previousRoot = zeroRoot;
  if (epoch >= 2) {
    const posted = await reader.readPostedRoot(epoch - 2);
    if (!posted) throw new StateError(`epoch ${epoch - 2}'s root is not posted yet`, { details: { epoch } });
    previousRoot = posted.earningsRoot;
  }
  const { oracles } = await reader.oracleSet();
  // The registry as of the last block before the epoch started (epoch − 1's last block).
  const hotspots =
    epoch === 0
      ? []
      : await readCoverageHotspots(params.client, deployment, BigInt((await reader.readEpoch(epoch - 1)).toBlock));
  return {
    epoch,
    seed: scheduleSeed({ epoch, previousRoot, oracles }),
    oracles,
    hotspots,
    genesisMs: deployment.epoch.genesisTime * 1000,
    epochMs: deployment.epoch.duration * 1000,
  };
}
