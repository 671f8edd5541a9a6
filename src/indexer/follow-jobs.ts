// Follows a gateway's public job feed (GET /v1/jobs?after=SEQ): accepted and settled records become job rows and
// attempt rows; the feed position is stored in the same transaction as the rows it produced.
import { z } from "zod";
import { RemoteError, TimeoutError } from "../core/errors.ts";
import { type Database, toNumber } from "./database.ts";
import { insertRows } from "./insert-rows.ts";

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const accepted = z.object({
  jobId: z.string().min(1).max(200),
  event: z.literal("accepted"),
  at: z.number().int().nonnegative(),
  customer: hex,
  resourceType: z.string().max(100),
  replicas: z.number().int().positive(),
  maxPrice: z.string().regex(/^\d+$/),
  timeoutMs: z.number().int().nonnegative(),
});
const settled = z.object({
  jobId: z.string().min(1).max(200),
  event: z.literal("settled"),
  at: z.number().int().nonnegative(),
  status: z.string().max(20),
  resultDigest: hex.nullable().optional(),
  verification: z.string().max(30).optional(),
  audited: z.boolean().optional(),
  reroutes: z.number().int().nonnegative().optional(),
  reported: z.array(hex).optional(),
  error: z.string().optional(),
  attempts: z
    .array(z.object({ attempt: z.number().int(), provider: hex, owner: hex, outcome: z.string().max(30) }))
    .default([]),
});
const feedSchema = z.object({
  records: z.array(z.object({ seq: z.number().int().positive(), record: z.unknown() })),
  next: z.number().int().nullable(),
});

export interface JobsRound {
  records: number;
  /** Job ids that changed. */
  jobs: string[];
  more: boolean;
}

async function fetchFeed(gateway: string, after: number, limit: number, timeoutMs: number) {
  const url = `${gateway}/v1/jobs?after=${after}&limit=${limit}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    if ((cause as Error).name === "TimeoutError") throw new TimeoutError("the gateway's job feed timed out", { cause });
    throw new RemoteError("cannot reach the gateway's job feed", { cause, details: { url } });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new RemoteError(`the gateway's job feed answered ${response.status}`, { details: { url } });
  }
  const parsed = feedSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new RemoteError("the gateway's job feed has an unexpected shape", { details: { url } });
  return parsed.data;
}

export async function followJobsOnce(
  db: Database,
  gateway: string,
  options: { limit?: number; timeoutMs?: number } = {},
): Promise<JobsRound> {
  const [row] = await db.query("SELECT seq FROM gateway_cursors WHERE gateway = $1", [gateway]);
  const after = row ? toNumber(row.seq) : 0;
  const feed = await fetchFeed(gateway, after, options.limit ?? 500, options.timeoutMs ?? 10_000);
  if (feed.records.length === 0) return { records: 0, jobs: [], more: false };
  const jobs = new Set<string>();
  const last = feed.records[feed.records.length - 1]?.seq ?? after;
  await db.transaction(async (tx) => {
    for (const { record } of feed.records) {
      const a = accepted.safeParse(record);
      if (a.success) {
        const j = a.data;
        await insertRows(
          tx,
          "jobs",
          [
            "job_id",
            "gateway",
            "customer",
            "resource_type",
            "replicas",
            "max_price",
            "timeout_ms",
            "status",
            "accepted_at",
          ],
          [
            [
              j.jobId,
              gateway,
              j.customer.toLowerCase(),
              j.resourceType,
              j.replicas,
              j.maxPrice,
              j.timeoutMs,
              "running",
              j.at,
            ],
          ],
          "ON CONFLICT (job_id) DO NOTHING",
        );
        jobs.add(j.jobId);
        continue;
      }
      const s = settled.safeParse(record);
      // Records of kinds this indexer does not know are skipped, not fatal: gateways may add kinds.
      if (!s.success) continue;
      const j = s.data;
      await tx.query(
        `UPDATE jobs SET status = $2, verification = $3, audited = $4, reroutes = $5, result_digest = $6, error = $7,
                settled_at = $8 WHERE job_id = $1`,
        [
          j.jobId,
          j.status,
          j.verification ?? null,
          j.audited ?? null,
          j.reroutes ?? null,
          j.resultDigest?.toLowerCase() ?? null,
          j.error ?? null,
          j.at,
        ],
      );
      await insertRows(
        tx,
        "job_attempts",
        ["job_id", "attempt", "provider", "owner", "outcome"],
        j.attempts.map((x) => [j.jobId, x.attempt, x.provider.toLowerCase(), x.owner.toLowerCase(), x.outcome]),
        "ON CONFLICT (job_id, attempt) DO NOTHING",
      );
      jobs.add(j.jobId);
    }
    await tx.query(
      `INSERT INTO gateway_cursors (gateway, seq) VALUES ($1, $2)
         ON CONFLICT (gateway) DO UPDATE SET seq = EXCLUDED.seq`,
      [gateway, last],
    );
  });
  return { records: feed.records.length, jobs: [...jobs], more: feed.next !== null };
}

const presenceSchema = z.object({
  providers: z.array(
    z.object({ nodeKey: hex, offers: z.record(z.string(), z.record(z.string(), z.unknown())).default({}) }),
  ),
});

/** Records which providers a gateway has connected now and the prices they announced. */
export async function followGatewayProvidersOnce(
  db: Database,
  gateway: string,
  now: () => number,
  timeoutMs = 10_000,
): Promise<string[]> {
  let body: unknown;
  try {
    const response = await fetch(`${gateway}/v1/providers`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new RemoteError(`the gateway answered ${response.status}`);
    body = await response.json();
  } catch (cause) {
    throw new RemoteError("cannot read the gateway's providers", { cause, details: { gateway } });
  }
  const parsed = presenceSchema.safeParse(body);
  if (!parsed.success)
    throw new RemoteError("the gateway's provider list has an unexpected shape", { details: { gateway } });
  const seenAt = Math.floor(now() / 1000);
  const rows = parsed.data.providers.map((p) => [p.nodeKey.toLowerCase(), gateway, JSON.stringify(p.offers), seenAt]);
  await insertRows(
    db,
    "gateway_providers",
    ["node_key", "gateway", "offers", "seen_at"],
    rows,
    "ON CONFLICT (node_key) DO UPDATE SET gateway = EXCLUDED.gateway, offers = EXCLUDED.offers, seen_at = EXCLUDED.seen_at",
  );
  return rows.map((r) => String(r[0]));
}
