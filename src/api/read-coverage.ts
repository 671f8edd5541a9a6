// Proof of coverage from the index: hexes with density and reward weight, hotspot verdicts, witness verdicts and
// the latest judged epoch's stats, for a given judged epoch (the latest indexed one when none is named).
import { cellToLatLng, isValidCell } from "h3-js";
import type { z } from "zod";
import { type Queryable, type Row, toNumber } from "../indexer/index.ts";
import { decodeCursor, encodeCursor } from "./page-cursor.ts";
import type { ReadContext } from "./read-context.ts";
import type { coverageHexSchema, coverageHotspotSchema, coverageWitnessSchema } from "./schemas.ts";

type HexView = z.infer<typeof coverageHexSchema>;
type HotspotView = z.infer<typeof coverageHotspotSchema>;
type WitnessView = z.infer<typeof coverageWitnessSchema>;

/** The epoch asked for if indexed, else the latest indexed one; null when there is none. */
async function judgedEpoch(db: Queryable, epoch: number | undefined): Promise<number | null> {
  const [row] =
    epoch === undefined
      ? await db.query("SELECT max(epoch) AS epoch FROM coverage_epochs")
      : await db.query("SELECT epoch FROM coverage_epochs WHERE epoch = $1", [epoch]);
  return row && row.epoch !== null ? toNumber(row.epoch) : null;
}

function hotspotView(r: Row): HotspotView {
  const cell = r.cell === null ? null : String(r.cell);
  const [lat, lng] = cell && isValidCell(cell) ? cellToLatLng(cell) : [null, null];
  const flag = r.flag === null ? null : (String(r.flag) as HotspotView["flag"]);
  const rejected = (typeof r.rejected === "string" ? JSON.parse(r.rejected) : r.rejected) as Record<string, number>;
  return {
    epoch: toNumber(r.epoch),
    nodeKey: String(r.node_key),
    owner: String(r.owner),
    cell,
    lat: lat === null ? null : Math.round(lat * 1e6) / 1e6,
    lng: lng === null ? null : Math.round(lng * 1e6) / 1e6,
    valid: flag === null,
    flag,
    locationVerified: Boolean(r.location_verified),
    beaconed: Boolean(r.beaconed),
    beaconWitnesses: toNumber(r.beacon_witnesses),
    witnessed: toNumber(r.witnessed),
    reports: { total: toNumber(r.reports), valid: toNumber(r.valid_reports) },
    rejected,
    densityScalePpm: toNumber(r.density_scale_ppm),
    weight: String(r.weight),
  };
}

function witnessView(r: Row): WitnessView {
  const detail = r.detail === null ? null : typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail;
  return {
    epoch: toNumber(r.epoch),
    seq: toNumber(r.seq),
    witness: String(r.witness),
    beaconId: String(r.beacon_id),
    beaconer: String(r.beaconer),
    signedAtMs: toNumber(r.signed_at_ms),
    rssiDbm: toNumber(r.rssi_dbm),
    snrDb: toNumber(r.snr_db),
    distanceM: r.distance_m === null ? null : toNumber(r.distance_m),
    valid: Boolean(r.valid),
    rewarded: Boolean(r.rewarded),
    reason: r.reason === null ? null : String(r.reason),
    detail: detail as WitnessView["detail"],
  };
}

const hotspotColumns = `epoch, node_key, owner, cell, beaconed, beacon_witnesses, witnessed, location_verified, flag,
  density_scale_ppm, weight::text AS weight, reports, valid_reports, rejected`;
const witnessColumns = `epoch, seq, witness, beacon_id, beaconer, signed_at_ms, rssi_dbm, snr_db, distance_m, valid,
  rewarded, reason, detail`;

export async function listCoverageHexes(
  ctx: ReadContext,
  query: { cursor?: string | undefined; limit: number; epoch?: number | undefined; resolution: number },
): Promise<{ epoch: number | null; resolution: number; hexes: HexView[]; next: string | null }> {
  const epoch = await judgedEpoch(ctx.db, query.epoch);
  if (epoch === null) return { epoch, resolution: query.resolution, hexes: [], next: null };
  const key = decodeCursor(query.cursor, ["string"]);
  const rows = await ctx.db.query(
    `SELECT epoch, cell, resolution, hotspots, density_scale, reward_weight::text AS reward_weight, lat, lng
       FROM coverage_hexes WHERE epoch = $1 AND resolution = $2 ${key ? "AND cell > $4" : ""}
      ORDER BY cell LIMIT $3`,
    [epoch, query.resolution, query.limit + 1, ...(key ? [key[0]] : [])],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    epoch,
    resolution: query.resolution,
    hexes: page.map((r) => ({
      epoch: toNumber(r.epoch),
      cell: String(r.cell),
      resolution: toNumber(r.resolution),
      hotspots: toNumber(r.hotspots),
      densityScale: toNumber(r.density_scale),
      rewardWeight: String(r.reward_weight),
      lat: toNumber(r.lat),
      lng: toNumber(r.lng),
    })),
    next: rows.length > query.limit && last ? encodeCursor([String(last.cell)]) : null,
  };
}

export async function listCoverageHotspots(
  ctx: ReadContext,
  query: {
    cursor?: string | undefined;
    limit: number;
    epoch?: number | undefined;
    flagged?: "true" | "false" | undefined;
  },
): Promise<{ epoch: number | null; hotspots: HotspotView[]; next: string | null }> {
  const epoch = await judgedEpoch(ctx.db, query.epoch);
  if (epoch === null) return { epoch, hotspots: [], next: null };
  const key = decodeCursor(query.cursor, ["string"]);
  const params: unknown[] = [epoch];
  const where = ["epoch = $1"];
  if (key) {
    params.push(key[0]);
    where.push(`node_key > $${params.length}`);
  }
  if (query.flagged) where.push(query.flagged === "true" ? "flag IS NOT NULL" : "flag IS NULL");
  params.push(query.limit + 1);
  const rows = await ctx.db.query(
    `SELECT ${hotspotColumns} FROM coverage_hotspots WHERE ${where.join(" AND ")} ORDER BY node_key LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    epoch,
    hotspots: page.map(hotspotView),
    next: rows.length > query.limit && last ? encodeCursor([String(last.node_key)]) : null,
  };
}

export async function listCoverageWitnesses(
  ctx: ReadContext,
  query: { cursor?: string | undefined; limit: number; epoch?: number | undefined; hotspot?: string | undefined },
): Promise<{ epoch: number | null; total: number; witnesses: WitnessView[]; next: string | null }> {
  const epoch = await judgedEpoch(ctx.db, query.epoch);
  if (epoch === null) return { epoch, total: 0, witnesses: [], next: null };
  const params: unknown[] = [epoch];
  const where = ["epoch = $1"];
  if (query.hotspot) {
    params.push(query.hotspot);
    where.push(`(witness = $${params.length} OR beaconer = $${params.length})`);
  }
  const [count] = await ctx.db.query(
    `SELECT count(*) AS n FROM coverage_witnesses WHERE ${where.join(" AND ")}`,
    params,
  );
  const key = decodeCursor(query.cursor, ["number"]);
  if (key) {
    params.push(key[0]);
    where.push(`seq < $${params.length}`);
  }
  params.push(query.limit + 1);
  const rows = await ctx.db.query(
    `SELECT ${witnessColumns} FROM coverage_witnesses WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    epoch,
    total: toNumber(count?.n),
    witnesses: page.map(witnessView),
    next: rows.length > query.limit && last ? encodeCursor([toNumber(last.seq)]) : null,
  };
}

/** A hotspot's verdict in the latest epoch that judged it, its recent history and its reports; undefined if never. */
export async function getCoverageHotspot(ctx: ReadContext, nodeKey: string) {
  const rows = await ctx.db.query(
    `SELECT ${hotspotColumns} FROM coverage_hotspots WHERE node_key = $1 ORDER BY epoch DESC LIMIT 20`,
    [nodeKey],
  );
  const latest = rows[0];
  if (!latest) return undefined;
  const view = hotspotView(latest);
  const { witnesses } = await listCoverageWitnesses(ctx, { limit: 50, epoch: view.epoch, hotspot: nodeKey });
  return {
    ...view,
    history: rows.map(hotspotView).map(({ epoch, valid, flag, beaconWitnesses, witnessed, weight }) => ({
      epoch,
      valid,
      flag,
      beaconWitnesses,
      witnessed,
      weight,
    })),
    recentWitnesses: witnesses,
  };
}

export async function readCoverageStatus(ctx: ReadContext, query: { hotspot?: string | undefined }) {
  const [row] = await ctx.db.query(
    `SELECT epoch, source, stats, (SELECT count(*) FROM coverage_epochs) AS n
       FROM coverage_epochs ORDER BY epoch DESC LIMIT 1`,
  );
  if (!row) return { latestJudged: null, epochs: 0, ...(query.hotspot ? { hotspot: null } : {}) };
  const epoch = toNumber(row.epoch);
  const stats = typeof row.stats === "string" ? JSON.parse(row.stats) : row.stats;
  let hotspot: HotspotView | null | undefined;
  if (query.hotspot) {
    const [h] = await ctx.db.query(
      `SELECT ${hotspotColumns} FROM coverage_hotspots WHERE epoch = $1 AND node_key = $2`,
      [epoch, query.hotspot],
    );
    hotspot = h ? hotspotView(h) : null;
  }
  return {
    latestJudged: { epoch, stats, source: String(row.source) },
    epochs: toNumber(row.n),
    ...(hotspot === undefined ? {} : { hotspot }),
  };
}
