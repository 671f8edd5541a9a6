// Follows the oracles' proof-of-coverage results (/v1/coverage/* on each oracle) into the index: per judged epoch
// its stats, hexes (with the reward weight under each), hotspot verdicts and witness verdicts, in one transaction.
// A result that names the earnings root it went into is kept only once that root is the one posted on chain.
import { cellToParent, getResolution, isValidCell } from "h3-js";
import { StateError } from "../core/errors.ts";
import type { CoverageClient, CoverageEpochResult } from "../resources/coverage/oracle/index.ts";
import { coverageHexView } from "../resources/coverage/oracle/index.ts";
import { type Database, type Queryable, toNumber } from "./database.ts";
import { insertRows } from "./insert-rows.ts";

/** What the follower needs of a coverage oracle (createCoverageClient gives it). */
export type CoverageSource = Pick<CoverageClient, "url" | "status" | "epoch">;

export interface CoverageRound {
  epochs: number[];
}

/** Epochs further back than this behind an oracle's latest judged one are not fetched (a new indexer's backlog). */
const maxBacklog = 50;

async function storeCoverageEpoch(tx: Queryable, result: CoverageEpochResult, source: string, nowMs: number) {
  const epoch = result.epoch;
  await tx.query(
    "INSERT INTO coverage_epochs (epoch, source, root, stats, fetched_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    [epoch, source, result.earningsRoot?.toLowerCase() ?? null, JSON.stringify(result.stats), Math.floor(nowMs / 1000)],
  );
  // Reward weight under each hex: the weights of the hotspots asserted inside it (one parent per resolution each).
  const key = (resolution: number, cell: string) => `${resolution}:${cell}`;
  const weightUnder = new Map(result.hexes.map((h) => [key(h.resolution, h.cell), 0n]));
  const resolutions = [...new Set(result.hexes.map((h) => h.resolution))];
  for (const h of result.hotspots) {
    if (!h.cell || !isValidCell(h.cell) || BigInt(h.weight) === 0n) continue;
    const finest = getResolution(h.cell);
    for (const resolution of resolutions) {
      if (resolution > finest) continue;
      const k = key(resolution, cellToParent(h.cell, resolution));
      const sum = weightUnder.get(k);
      if (sum !== undefined) weightUnder.set(k, sum + BigInt(h.weight));
    }
  }
  await insertRows(
    tx,
    "coverage_hexes",
    ["epoch", "cell", "resolution", "hotspots", "unclipped", "clipped", "density_scale", "reward_weight", "lat", "lng"],
    result.hexes.map((h) => {
      const view = coverageHexView(h);
      const weight = weightUnder.get(key(h.resolution, h.cell)) ?? 0n;
      return [
        epoch,
        h.cell,
        h.resolution,
        h.hotspots,
        h.unclipped,
        h.clipped,
        view.densityScale,
        weight.toString(),
        view.lat,
        view.lng,
      ];
    }),
    "ON CONFLICT DO NOTHING",
  );
  const reports = new Map<string, { total: number; valid: number; rejected: Record<string, number> }>();
  for (const w of result.witnesses) {
    const r = reports.get(w.witness) ?? { total: 0, valid: 0, rejected: {} };
    r.total++;
    if (w.valid) r.valid++;
    if (w.reason) r.rejected[w.reason] = (r.rejected[w.reason] ?? 0) + 1;
    reports.set(w.witness, r);
  }
  await insertRows(
    tx,
    "coverage_hotspots",
    [
      "epoch",
      "node_key",
      "owner",
      "cell",
      "beaconed",
      "beacon_witnesses",
      "witnessed",
      "location_verified",
      "flag",
      "density_scale_ppm",
      "weight",
      "reports",
      "valid_reports",
      "rejected",
    ],
    result.hotspots.map((h) => {
      const r = reports.get(h.nodeKey) ?? { total: 0, valid: 0, rejected: {} };
      return [
        epoch,
        h.nodeKey.toLowerCase(),
        h.owner.toLowerCase(),
        h.cell ?? null,
        h.beaconed,
        h.beaconWitnesses,
        h.witnessed,
        h.locationVerified,
        h.flag ?? null,
        h.densityScalePpm,
        h.weight,
        r.total,
        r.valid,
        JSON.stringify(r.rejected),
      ];
    }),
    "ON CONFLICT DO NOTHING",
  );
  await insertRows(
    tx,
    "coverage_witnesses",
    [
      "epoch",
      "seq",
      "witness",
      "beacon_id",
      "beaconer",
      "signed_at_ms",
      "rssi_dbm",
      "snr_db",
      "distance_m",
      "valid",
      "rewarded",
      "reason",
      "detail",
    ],
    result.witnesses.map((w, seq) => [
      epoch,
      seq,
      w.witness.toLowerCase(),
      w.beaconId,
      w.beaconer.toLowerCase(),
      w.signedAtMs,
      w.rssiDbm,
      w.snrDb,
      w.distanceM ?? null,
      w.valid,
      w.rewarded,
      w.reason ?? null,
      w.detail ? JSON.stringify(w.detail) : null,
    ]),
    "ON CONFLICT DO NOTHING",
  );
}

export async function followCoverageOnce(
  db: Database,
  sources: readonly CoverageSource[],
  log: (line: string) => void,
  now: () => number = Date.now,
): Promise<CoverageRound> {
  const done: number[] = [];
  for (const source of sources) {
    let latest: number | undefined;
    try {
      latest = (await source.status()).latestJudged?.epoch;
    } catch (error) {
      // An oracle without the coverage extension answers 404 (a StateError here) every round: not worth a log line.
      if (!(error instanceof StateError)) log(`coverage ${source.url}: ${(error as Error).message}`);
      continue;
    }
    if (latest === undefined) continue;
    const from = Math.max(0, latest - maxBacklog + 1);
    const stored = new Set(
      (await db.query("SELECT epoch FROM coverage_epochs WHERE epoch >= $1", [from])).map((r) => toNumber(r.epoch)),
    );
    for (let epoch = from; epoch <= latest; epoch++) {
      if (stored.has(epoch)) continue;
      let result: CoverageEpochResult | undefined;
      try {
        result = await source.epoch(epoch);
      } catch (error) {
        log(`coverage ${source.url}: epoch ${epoch}: ${(error as Error).message}`);
        continue;
      }
      if (!result || result.epoch !== epoch) continue;
      if (result.earningsRoot) {
        const [posted] = await db.query("SELECT earnings_root FROM epochs WHERE epoch = $1", [epoch]);
        // Not posted yet: ask again next round. Posted with another root: this oracle's result is not the network's.
        if (!posted) continue;
        if (String(posted.earnings_root) !== result.earningsRoot.toLowerCase()) {
          log(`coverage ${source.url}: epoch ${epoch} root differs from the posted root; ignored`);
          continue;
        }
      }
      const verdicts = result;
      await db.transaction((tx) => storeCoverageEpoch(tx, verdicts, source.url, now()));
      stored.add(epoch);
      done.push(epoch);
    }
  }
  return { epochs: done };
}
