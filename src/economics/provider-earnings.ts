// One provider owner's earnings per posted epoch: voucher revenue (VoucherRedeemed in the epoch's post window),
// emissions (the oracle's per-account earnings, or the difference of consecutive proofs' cumulative amounts),
// penalties to its node keys (Rewards NodeSlashed / NodeJailed), what it has claimed and what it can claim now.
import type { Hex, PublicClient } from "viem";
import { type Deployment, escrowAbi, rewardsAbi, verifyEarningsProof, wrapChainError } from "../chain/index.ts";
import { RemoteError } from "../core/errors.ts";
import type { OracleClient } from "./oracle-client.ts";
import { epochAt, getPostedEpochs, type PostedEpoch, windowStartBlock } from "./posted-epochs.ts";
import { getRegistrySnapshot } from "./registry-snapshot.ts";

export interface EpochEarnings {
  epoch: number;
  /** Gross customer payments redeemed to this owner in the window, and what the escrow paid it of them. */
  revenue: { gross: bigint; received: bigint; redemptions: number };
  /** This epoch's emission rewards; null when no oracle answered for it. */
  emission: { work: bigint | null; liveness: bigint | null; total: bigint; cumulative: bigint } | null;
  penalties: { slashed: bigint; slashRequested: bigint; jailed: number };
}

export interface ProviderEarnings {
  owner: Hex;
  nodeKeys: Hex[];
  epochs: EpochEarnings[];
  totals: {
    revenueGross: bigint;
    revenueReceived: bigint;
    /** Sum of the listed epochs' emissions (only those the oracle answered). */
    emission: bigint;
    slashed: bigint;
    jailed: number;
  };
  claimed: bigint;
  /** Cumulative earned up to the latest root and what remains to claim; null without an oracle. */
  latest: { epoch: number; cumulative: bigint; claimable: bigint; verified: boolean } | null;
  /** Where emissions came from. */
  emissionSource: "oracle-earnings" | "oracle-proofs" | "none";
}

export interface GetProviderEarningsParams {
  deployment: Deployment;
  owner: Hex;
  /** Node keys to check for penalties; by default every key the registry lists for the owner. */
  nodeKeys?: Hex[];
  /** The latest N epochs; all when undefined. */
  epochs?: number;
  oracle?: OracleClient;
}

export async function getProviderEarnings(
  client: PublicClient,
  params: GetProviderEarningsParams,
): Promise<ProviderEarnings> {
  const { deployment, owner } = params;
  const { contracts } = deployment;
  const allPosted = await getPostedEpochs(client, deployment);
  const selected =
    params.epochs === undefined ? allPosted : allPosted.slice(Math.max(0, allPosted.length - params.epochs));
  const nodeKeys =
    params.nodeKeys ??
    (await getRegistrySnapshot(client, contracts.registry)).providers
      .filter((p) => p.owner.toLowerCase() === owner.toLowerCase())
      .map((p) => p.nodeKey);

  const rows = new Map<number, EpochEarnings>(
    selected.map((e) => [
      e.epoch,
      {
        epoch: e.epoch,
        revenue: { gross: 0n, received: 0n, redemptions: 0 },
        emission: null,
        penalties: { slashed: 0n, slashRequested: 0n, jailed: 0 },
      },
    ]),
  );
  let claimed: bigint;
  const last = selected.at(-1);
  try {
    claimed = await client.readContract({
      address: contracts.rewards,
      abi: rewardsAbi,
      functionName: "claimed",
      args: [owner],
    });
    if (last) {
      const range = { fromBlock: windowStartBlock(deployment, selected[0]), toBlock: last.to.block };
      const redeemed = await client.getContractEvents({
        address: contracts.escrow,
        abi: escrowAbi,
        eventName: "VoucherRedeemed",
        args: { provider: owner },
        ...range,
        strict: true,
      });
      for (const log of redeemed) {
        const row = rowAt(rows, selected, log);
        if (!row) continue;
        row.revenue.gross += log.args.paid ?? 0n;
        row.revenue.received += log.args.providerAmount ?? 0n;
        row.revenue.redemptions += 1;
      }
      if (nodeKeys.length > 0) {
        const epochs = selected.map((e) => BigInt(e.epoch));
        const [slashes, jails] = await Promise.all([
          client.getContractEvents({
            address: contracts.rewards,
            abi: rewardsAbi,
            eventName: "NodeSlashed",
            args: { epoch: epochs, nodeKey: nodeKeys },
            ...range,
            strict: true,
          }),
          client.getContractEvents({
            address: contracts.rewards,
            abi: rewardsAbi,
            eventName: "NodeJailed",
            args: { epoch: epochs, nodeKey: nodeKeys },
            ...range,
            strict: true,
          }),
        ]);
        for (const log of slashes) {
          const row = rows.get(Number(log.args.epoch));
          if (!row) continue;
          row.penalties.slashed += log.args.slashed ?? 0n;
          row.penalties.slashRequested += log.args.requested ?? 0n;
        }
        for (const log of jails) {
          const row = rows.get(Number(log.args.epoch));
          if (row) row.penalties.jailed += 1;
        }
      }
    }
  } catch (error) {
    throw wrapChainError(error, "reading the provider's chain history");
  }

  let emissionSource: ProviderEarnings["emissionSource"] = "none";
  let latest: ProviderEarnings["latest"] = null;
  if (params.oracle && selected.length > 0) {
    emissionSource = await fillEmissions(params.oracle, owner, selected, rows);
    const latestPosted = allPosted.at(-1) as PostedEpoch;
    const proof = await params.oracle.getProof(latestPosted.epoch, owner);
    const cumulative = proof?.cumulativeAmount ?? 0n;
    const verified = proof
      ? verifyEarningsProof(latestPosted.earningsRoot, owner, proof.cumulativeAmount, proof.proof)
      : false;
    if (proof && !verified) {
      throw new RemoteError("the oracle's proof does not match the root posted on chain", {
        details: { epoch: latestPosted.epoch, account: owner, oracle: params.oracle.url },
        hint: "Ask another oracle (--oracle).",
      });
    }
    latest = {
      epoch: latestPosted.epoch,
      cumulative,
      claimable: cumulative > claimed ? cumulative - claimed : 0n,
      verified,
    };
  }

  const epochs = [...rows.values()];
  return {
    owner,
    nodeKeys,
    epochs,
    totals: {
      revenueGross: epochs.reduce((s, e) => s + e.revenue.gross, 0n),
      revenueReceived: epochs.reduce((s, e) => s + e.revenue.received, 0n),
      emission: epochs.reduce((s, e) => s + (e.emission?.total ?? 0n), 0n),
      slashed: epochs.reduce((s, e) => s + e.penalties.slashed, 0n),
      jailed: epochs.reduce((s, e) => s + e.penalties.jailed, 0),
    },
    claimed,
    latest,
    emissionSource,
  };
}

function rowAt(
  rows: Map<number, EpochEarnings>,
  posted: readonly PostedEpoch[],
  log: { blockNumber: bigint | null; logIndex: number | null },
): EpochEarnings | undefined {
  const epoch = epochAt(posted, { block: log.blockNumber ?? 0n, logIndex: log.logIndex ?? 0 });
  return epoch ? rows.get(epoch.epoch) : undefined;
}

/** Emissions per epoch: the oracle's earnings endpoint, else consecutive proofs' cumulative amounts. */
async function fillEmissions(
  oracle: OracleClient,
  owner: Hex,
  selected: readonly PostedEpoch[],
  rows: Map<number, EpochEarnings>,
): Promise<ProviderEarnings["emissionSource"]> {
  const earnings = await oracle.getEarnings(owner);
  if (earnings) {
    for (const entry of earnings) {
      const row = rows.get(entry.epoch);
      if (!row) continue;
      row.emission = {
        work: entry.work,
        liveness: entry.liveness,
        total: entry.reward ?? entry.work + entry.liveness,
        cumulative: entry.cumulative,
      };
    }
    // Epochs the oracle lists nothing for paid this owner nothing.
    let previous: bigint | undefined;
    for (const row of rows.values()) {
      if (row.emission) previous = row.emission.cumulative;
      else if (previous !== undefined) row.emission = { work: 0n, liveness: 0n, total: 0n, cumulative: previous };
    }
    return "oracle-earnings";
  }
  const first = selected[0] as PostedEpoch;
  let previous =
    first.epoch === 0 ? 0n : ((await oracle.getProof(first.epoch - 1, owner))?.cumulativeAmount ?? undefined);
  for (const posted of selected) {
    const proof = await oracle.getProof(posted.epoch, owner);
    const row = rows.get(posted.epoch) as EpochEarnings;
    const cumulative = proof?.cumulativeAmount ?? 0n;
    if (proof && !verifyEarningsProof(posted.earningsRoot, owner, proof.cumulativeAmount, proof.proof)) {
      throw new RemoteError("the oracle's proof does not match the root posted on chain", {
        details: { epoch: posted.epoch, account: owner, oracle: oracle.url },
      });
    }
    row.emission = {
      work: null,
      liveness: null,
      total: previous === undefined || cumulative < previous ? 0n : cumulative - previous,
      cumulative,
    };
    previous = cumulative;
  }
  return "oracle-proofs";
}
