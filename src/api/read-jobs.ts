// Jobs from the gateways' feeds, newest first, with their attempts; filter by provider (node key or owner) and
// status.
import { type Row, toNumber, toNumberOrNull } from "../indexer/index.ts";
import { decodeCursor, encodeCursor } from "./page-cursor.ts";
import type { ReadContext } from "./read-context.ts";
import { parseProviderId } from "./read-providers.ts";
import type { JobView } from "./schemas.ts";

const columns = `j.job_id, j.gateway, j.customer, j.resource_type, j.replicas, j.max_price::text AS max_price,
  j.timeout_ms, j.status, j.verification, j.audited, j.reroutes, j.result_digest, j.error, j.accepted_at,
  j.settled_at`;

async function toViews(ctx: ReadContext, rows: Row[]): Promise<JobView[]> {
  const ids = rows.map((r) => String(r.job_id));
  const attempts =
    ids.length === 0
      ? []
      : await ctx.db.query(
          "SELECT job_id, attempt, provider, owner, outcome FROM job_attempts WHERE job_id = ANY($1) ORDER BY attempt",
          [ids],
        );
  const byJob = new Map<string, JobView["attempts"]>();
  for (const a of attempts) {
    const list = byJob.get(String(a.job_id)) ?? [];
    list.push({
      attempt: toNumber(a.attempt),
      provider: String(a.provider),
      owner: String(a.owner),
      outcome: String(a.outcome),
    });
    byJob.set(String(a.job_id), list);
  }
  return rows.map((r) => {
    const list = byJob.get(String(r.job_id)) ?? [];
    return {
      jobId: String(r.job_id),
      gateway: String(r.gateway),
      customer: String(r.customer),
      resourceType: String(r.resource_type),
      replicas: toNumber(r.replicas),
      maxPrice: String(r.max_price),
      timeoutMs: toNumber(r.timeout_ms),
      status: String(r.status),
      verification: r.verification === null ? null : String(r.verification),
      audited: r.audited === null ? null : Boolean(r.audited),
      reroutes: toNumberOrNull(r.reroutes),
      resultDigest: r.result_digest === null ? null : String(r.result_digest),
      error: r.error === null ? null : String(r.error),
      acceptedAtMs: toNumber(r.accepted_at),
      settledAtMs: toNumberOrNull(r.settled_at),
      providers: list.filter((a) => a.outcome === "ok").map((a) => a.provider),
      attempts: list,
    };
  });
}

export async function listJobs(
  ctx: ReadContext,
  query: { cursor?: string | undefined; limit: number; provider?: string | undefined; status?: string | undefined },
): Promise<{ jobs: JobView[]; next: string | null }> {
  const key = decodeCursor(query.cursor, ["number", "string"]);
  const params: unknown[] = [];
  const where: string[] = [];
  if (key) {
    params.push(key[0], key[1]);
    where.push("(j.accepted_at < $1 OR (j.accepted_at = $1 AND j.job_id < $2))");
  }
  if (query.provider) {
    const { nodeKey, owner } = parseProviderId(query.provider);
    params.push(nodeKey ?? owner);
    where.push(
      `EXISTS (SELECT 1 FROM job_attempts a WHERE a.job_id = j.job_id AND a.${nodeKey ? "provider" : "owner"} = $${params.length})`,
    );
  }
  if (query.status) {
    params.push(query.status);
    where.push(`j.status = $${params.length}`);
  }
  params.push(query.limit + 1);
  const rows = await ctx.db.query(
    `SELECT ${columns} FROM jobs j ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY j.accepted_at DESC, j.job_id DESC LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    jobs: await toViews(ctx, page),
    next: rows.length > query.limit && last ? encodeCursor([toNumber(last.accepted_at), String(last.job_id)]) : null,
  };
}

export async function getJob(ctx: ReadContext, jobId: string): Promise<JobView | undefined> {
  const rows = await ctx.db.query(`SELECT ${columns} FROM jobs j WHERE j.job_id = $1`, [jobId]);
  return (await toViews(ctx, rows))[0];
}
