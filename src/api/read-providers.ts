// Providers from the index: registry state, status as the registry would judge it at the indexed head, reputation
// from settled job attempts, uptime from the oracles, location from the H3 cell, prices from the gateways.
import { cellToLatLng, isValidCell } from "h3-js";
import { InvalidInputError } from "../core/errors.ts";
import { type Row, toBigInt, toNumber, toNumberOrNull } from "../indexer/index.ts";
import { decodeCursor, encodeCursor } from "./page-cursor.ts";
import { type ReadContext, readIndexedHead, resourceTypeKey, resourceTypeName } from "./read-context.ts";
import type { ProviderView } from "./schemas.ts";

/** Status in SQL, so filters and pages agree: jailed, else active (isActive), else unbonding, else inactive. */
const withStatus = `
  WITH head AS (
    SELECT COALESCE((SELECT b.timestamp FROM chain_cursor c JOIN blocks b ON b.number = c.block), 0) AS now
  ), req AS (
    SELECT p.*, (SELECT COALESCE(MAX(m.amount), 0) FROM min_stakes m
                  WHERE jsonb_exists(p.resource_types, m.resource_type)) AS required
      FROM providers p
  ), s AS (
    SELECT req.*, CASE WHEN req.jailed_until > head.now THEN 'jailed'
                       WHEN req.required > 0 AND req.stake >= req.required THEN 'active'
                       WHEN req.unbonding > 0 THEN 'unbonding'
                       ELSE 'inactive' END AS status
      FROM req, head
  )`;

const columns = `s.node_key, s.owner, s.resource_types, s.endpoint, s.h3_cell, s.stake::text AS stake,
  s.unbonding::text AS unbonding, s.unbonding_release, s.jailed_until, s.registered_block, s.registered_log,
  s.registered_at, s.updated_at, s.required::text AS required, s.status`;

export function isNodeKey(id: string): boolean {
  return /^0x[0-9a-fA-F]{64}$/.test(id);
}

export function isAddress(id: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(id);
}

export function parseProviderId(id: string): { nodeKey?: string; owner?: string } {
  if (isNodeKey(id)) return { nodeKey: id.toLowerCase() };
  if (isAddress(id)) return { owner: id.toLowerCase() };
  throw new InvalidInputError("a provider id is a node key (0x + 64 hex) or an owner address (0x + 40 hex)", {
    details: { id },
  });
}

function location(h3: string): { h3Cell: string | null; lat: number | null; lng: number | null } {
  if (!h3 || !isValidCell(h3)) return { h3Cell: h3 || null, lat: null, lng: null };
  const [lat, lng] = cellToLatLng(h3);
  return { h3Cell: h3, lat, lng };
}

/** Job counts, uptime, prices and last-seen times for a set of node keys. */
async function extras(ctx: ReadContext, keys: string[]) {
  const jobs = new Map<string, { attempts: number; good: number; bad: number; lastMs: number }>();
  const uptime = new Map<string, { bps: number | null; at: number }>();
  const prices = new Map<string, { offers: Record<string, Record<string, unknown>>; seenAt: number }>();
  if (keys.length === 0) return { jobs, uptime, prices };
  const [jobRows, uptimeRows, priceRows] = await Promise.all([
    ctx.db.query(
      `SELECT a.provider, COUNT(*) AS attempts,
              SUM(CASE WHEN a.outcome = 'ok' THEN 1 ELSE 0 END) AS good,
              SUM(CASE WHEN a.outcome IN ('dissent', 'failed', 'timeout', 'disconnected', 'invalid-result')
                       THEN 1 ELSE 0 END) AS bad,
              MAX(COALESCE(j.settled_at, j.accepted_at)) AS last_ms
         FROM job_attempts a JOIN jobs j ON j.job_id = a.job_id
        WHERE a.provider = ANY($1) GROUP BY a.provider`,
      [keys],
    ),
    ctx.db.query(
      `SELECT DISTINCT ON (n.node_key) n.node_key, n.uptime_bps, e.posted_at
         FROM oracle_node_epochs n JOIN epochs e ON e.epoch = n.epoch
        WHERE n.node_key = ANY($1) ORDER BY n.node_key, n.epoch DESC`,
      [keys],
    ),
    ctx.db.query("SELECT node_key, offers, seen_at FROM gateway_providers WHERE node_key = ANY($1)", [keys]),
  ]);
  for (const r of jobRows) {
    jobs.set(String(r.provider), {
      attempts: toNumber(r.attempts),
      good: toNumber(r.good),
      bad: toNumber(r.bad),
      lastMs: toNumber(r.last_ms),
    });
  }
  for (const r of uptimeRows)
    uptime.set(String(r.node_key), { bps: toNumberOrNull(r.uptime_bps), at: toNumber(r.posted_at) });
  for (const r of priceRows) {
    prices.set(String(r.node_key), {
      offers: r.offers as Record<string, Record<string, unknown>>,
      seenAt: toNumber(r.seen_at),
    });
  }
  return { jobs, uptime, prices };
}

async function toViews(ctx: ReadContext, rows: Row[]): Promise<ProviderView[]> {
  const keys = rows.map((r) => String(r.node_key));
  const { jobs, uptime, prices } = await extras(ctx, keys);
  return rows.map((r): ProviderView => {
    const key = String(r.node_key);
    const j = jobs.get(key);
    const u = uptime.get(key);
    const p = prices.get(key);
    const jailedUntil = toNumber(r.jailed_until);
    const release = toNumber(r.unbonding_release);
    const seen = [toNumber(r.updated_at), u?.at ?? 0, j ? Math.floor(j.lastMs / 1000) : 0, p?.seenAt ?? 0];
    return {
      nodeKey: key,
      owner: String(r.owner),
      resourceTypes: (r.resource_types as string[]).map(resourceTypeName),
      offer: {
        endpoint: String(r.endpoint),
        prices: p?.offers ?? null,
        requiredStake: toBigInt(r.required).toString(),
      },
      stake: toBigInt(r.stake).toString(),
      unbonding: toBigInt(r.unbonding).toString(),
      unbondingRelease: release === 0 ? null : release,
      status: r.status as ProviderView["status"],
      jailedUntil: jailedUntil === 0 ? null : jailedUntil,
      reputation: j && j.good + j.bad > 0 ? j.good / (j.good + j.bad) : null,
      uptimeBps: u?.bps ?? null,
      jobs: { attempts: j?.attempts ?? 0, good: j?.good ?? 0 },
      ...location(String(r.h3_cell)),
      registeredAt: toNumber(r.registered_at),
      lastSeen: Math.max(...seen) || null,
    };
  });
}

export async function listProviders(
  ctx: ReadContext,
  query: { cursor?: string | undefined; limit: number; resourceType?: string | undefined; status?: string | undefined },
): Promise<{ providers: ProviderView[]; next: string | null }> {
  const key = decodeCursor(query.cursor, ["number", "number"]);
  const params: unknown[] = [key?.[0] ?? -1, key?.[1] ?? -1];
  let where = "(s.registered_block > $1 OR (s.registered_block = $1 AND s.registered_log > $2))";
  if (query.resourceType) {
    params.push(resourceTypeKey(query.resourceType));
    where += ` AND jsonb_exists(s.resource_types, $${params.length})`;
  }
  if (query.status) {
    params.push(query.status);
    where += ` AND s.status = $${params.length}`;
  }
  params.push(query.limit + 1);
  const rows = await ctx.db.query(
    `${withStatus} SELECT ${columns} FROM s WHERE ${where}
      ORDER BY s.registered_block, s.registered_log LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    providers: await toViews(ctx, page),
    next:
      rows.length > query.limit && last
        ? encodeCursor([toNumber(last.registered_block), toNumber(last.registered_log)])
        : null,
  };
}

/** Providers by node key or by owner (all of the owner's nodes). */
export async function findProviders(ctx: ReadContext, id: string): Promise<ProviderView[]> {
  const { nodeKey, owner } = parseProviderId(id);
  const rows = await ctx.db.query(
    `${withStatus} SELECT ${columns} FROM s WHERE ${nodeKey ? "s.node_key = $1" : "s.owner = $1"}
      ORDER BY s.registered_block, s.registered_log`,
    [nodeKey ?? owner],
  );
  return toViews(ctx, rows);
}

export async function readProviderEvents(ctx: ReadContext, keys: string[]) {
  if (keys.length === 0) return [];
  const rows = await ctx.db.query(
    `SELECT pe.kind, pe.amount::text AS amount, pe.requested::text AS requested, pe.until, pe.block, pe.tx_hash,
            pe.timestamp, e.epoch
       FROM provider_events pe LEFT JOIN epochs e ON e.tx_hash = pe.tx_hash
      WHERE pe.node_key = ANY($1) ORDER BY pe.block DESC, pe.log_index DESC`,
    [keys],
  );
  return rows.map((r) => ({
    kind: String(r.kind) as "registered" | "offer" | "stake" | "unbond" | "withdraw" | "jail" | "slash",
    amount: r.amount === null ? null : String(r.amount),
    requested: r.requested === null ? null : String(r.requested),
    until: toNumberOrNull(r.until),
    epoch: toNumberOrNull(r.epoch),
    block: toNumber(r.block),
    txHash: String(r.tx_hash),
    timestamp: toNumber(r.timestamp),
  }));
}

/** Counts by status and the active stake, for network stats. */
export async function countProviders(ctx: ReadContext) {
  const rows = await ctx.db.query(
    `${withStatus} SELECT s.status, COUNT(*) AS n, COALESCE(SUM(s.stake), 0)::text AS stake FROM s GROUP BY s.status`,
  );
  const by = new Map(rows.map((r) => [String(r.status), { n: toNumber(r.n), stake: toBigInt(r.stake) }]));
  const total = rows.reduce((sum, r) => sum + toBigInt(r.stake), 0n);
  return {
    registered: rows.reduce((sum, r) => sum + toNumber(r.n), 0),
    active: by.get("active")?.n ?? 0,
    jailed: by.get("jailed")?.n ?? 0,
    unbonding: by.get("unbonding")?.n ?? 0,
    activeStake: by.get("active")?.stake ?? 0n,
    totalStake: total,
    head: await readIndexedHead(ctx.db),
  };
}
