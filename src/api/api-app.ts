// The API as a hono app: handlers validate input with the route table's zod schemas, read the index, and answer
// through the response schemas. Errors are thrown and mapped in one place (400 bad input, 404 not found, 5xx
// without internals), in the GroundworkError JSON shape every role uses. mountStatic lets the dashboard serve its
// files from the same server.
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { PublicClient } from "viem";
import type { z } from "zod";
import type { Deployment } from "../chain/index.ts";
import { GroundworkError, httpStatusFor, InvalidInputError, StateError } from "../core/errors.ts";
import type { Queryable } from "../indexer/index.ts";
import type { EventHub, StreamEvent } from "./event-hub.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import type { ReadContext } from "./read-context.ts";
import {
  getCoverageHotspot,
  listCoverageHexes,
  listCoverageHotspots,
  listCoverageWitnesses,
  readCoverageStatus,
} from "./read-coverage.ts";
import { readEarnings } from "./read-earnings.ts";
import { getEpoch, listEpochs } from "./read-epochs.ts";
import { readEstimate } from "./read-estimate.ts";
import { getJob, listJobs } from "./read-jobs.ts";
import { findProviders, listProviders, readProviderEvents } from "./read-providers.ts";
import { readNetworkStats } from "./read-stats.ts";
import { apiRoutes } from "./routes.ts";

export const apiVersion = "1.0.0";

/** The thing asked for does not exist: 404. */
export class NotFoundError extends StateError {
  override name = "NotFoundError";
}

export interface ApiAppOptions {
  db: Queryable;
  deployment: Deployment;
  /** For the estimator's governed shares and rules. */
  publicClient: PublicClient;
  events: EventHub;
  /** Adds routes after the API's own (the dashboard's static files). */
  mountStatic?: (app: Hono) => void;
  /** SSE keep-alive comment interval. Default 15000. */
  keepAliveMs?: number;
  log?: (line: string) => void;
}

function parseQuery<S extends z.ZodObject>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new InvalidInputError("invalid query parameters", {
      details: { issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "query"}: ${i.message}`) },
      hint: "See /openapi.json for each parameter.",
    });
  }
  return parsed.data;
}

/** Parses the response through its schema: a shape bug fails loudly here, not in a client. */
function reply<S extends z.ZodType>(c: Context, schema: S, value: z.input<S>) {
  return c.json(schema.parse(value) as never);
}

function param(c: Context, name: string): string {
  return c.req.param(name) ?? "";
}

function statusOf(error: GroundworkError): ContentfulStatusCode {
  if (error instanceof NotFoundError) return 404;
  return httpStatusFor[error.kind];
}

export function createApiApp(options: ApiAppOptions): Hono {
  const ctx: ReadContext = { db: options.db, deployment: options.deployment };
  const log = options.log ?? (() => {});
  const app = new Hono();
  const r = apiRoutes;
  const path = (p: string) => p.replace(/\{(\w+)\}/g, ":$1");

  app.use("*", async (c, next) => {
    await next();
    // The dashboard may be served elsewhere during development; the API is read-only, so any origin may read it.
    c.header("access-control-allow-origin", "*");
  });
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/openapi.json", (c) =>
    c.json(buildOpenApiDocument({ version: apiVersion, serverUrl: new URL(c.req.url).origin })),
  );
  app.get(r.stats.path, async (c) => reply(c, r.stats.response, await readNetworkStats(ctx)));
  app.get(r.epochs.path, async (c) =>
    reply(c, r.epochs.response, await listEpochs(ctx, parseQuery(c, r.epochs.query))),
  );
  app.get(path(r.epoch.path), async (c) => {
    const raw = param(c, "epoch");
    if (!/^\d{1,12}$/.test(raw)) throw new InvalidInputError("an epoch is an integer ≥ 0", { details: { epoch: raw } });
    const epoch = await getEpoch(ctx, Number(raw));
    if (!epoch) throw new NotFoundError(`epoch ${raw} is neither posted nor open`);
    return reply(c, r.epoch.response, epoch);
  });
  app.get(r.providers.path, async (c) =>
    reply(c, r.providers.response, await listProviders(ctx, parseQuery(c, r.providers.query))),
  );
  app.get(path(r.provider.path), async (c) => {
    const id = param(c, "id");
    const nodes = await findProviders(ctx, id);
    const first = nodes[0];
    if (!first) throw new NotFoundError("no provider with this node key or owner", { details: { id } });
    const events = await readProviderEvents(
      ctx,
      nodes.map((n) => n.nodeKey),
    );
    return reply(c, r.provider.response, {
      ...first,
      nodes: nodes.map((n) => n.nodeKey),
      penalties: events.filter((e) => e.kind === "jail" || e.kind === "slash"),
      history: events.filter((e) => e.kind !== "jail" && e.kind !== "slash"),
    });
  });
  app.get(path(r.earnings.path), async (c) => {
    const id = param(c, "id");
    const nodes = await findProviders(ctx, id);
    const first = nodes[0];
    if (!first) throw new NotFoundError("no provider with this node key or owner", { details: { id } });
    const earnings = await readEarnings(ctx, first.owner);
    return reply(c, r.earnings.response, { owner: first.owner, nodes: nodes.map((n) => n.nodeKey), ...earnings });
  });
  app.get(r.jobs.path, async (c) => reply(c, r.jobs.response, await listJobs(ctx, parseQuery(c, r.jobs.query))));
  app.get(path(r.job.path), async (c) => {
    const id = param(c, "id");
    if (id.length > 200) throw new InvalidInputError("a job id has at most 200 characters");
    const job = await getJob(ctx, id);
    if (!job) throw new NotFoundError("no job with this id", { details: { jobId: id } });
    return reply(c, r.job.response, job);
  });
  app.get(r.estimate.path, async (c) =>
    reply(c, r.estimate.response, await readEstimate(ctx, options.publicClient, parseQuery(c, r.estimate.query))),
  );
  app.get(r.coverageStatus.path, async (c) =>
    reply(c, r.coverageStatus.response, await readCoverageStatus(ctx, parseQuery(c, r.coverageStatus.query))),
  );
  app.get(r.coverageHexes.path, async (c) =>
    reply(c, r.coverageHexes.response, await listCoverageHexes(ctx, parseQuery(c, r.coverageHexes.query))),
  );
  app.get(r.coverageHotspots.path, async (c) =>
    reply(c, r.coverageHotspots.response, await listCoverageHotspots(ctx, parseQuery(c, r.coverageHotspots.query))),
  );
  app.get(path(r.coverageHotspot.path), async (c) => {
    const id = param(c, "nodeKey").toLowerCase();
    if (!/^0x[0-9a-f]{64}$/.test(id)) throw new InvalidInputError("a hotspot is its node key: 0x + 64 hex digits");
    const hotspot = await getCoverageHotspot(ctx, id);
    if (!hotspot)
      throw new NotFoundError("no judged epoch has a verdict for this hotspot", { details: { nodeKey: id } });
    return reply(c, r.coverageHotspot.response, hotspot);
  });
  app.get(r.coverageWitnesses.path, async (c) =>
    reply(c, r.coverageWitnesses.response, await listCoverageWitnesses(ctx, parseQuery(c, r.coverageWitnesses.query))),
  );
  app.get(r.events.path, (c) =>
    streamSSE(c, async (stream) => {
      const queue: StreamEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = options.events.subscribe((event) => {
        // A client this far behind is gone or stuck: drop it rather than hold memory for it.
        if (queue.length >= 1000) {
          void stream.close();
          return;
        }
        queue.push(event);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({
        event: "stats",
        data: JSON.stringify({ type: "stats", data: await readNetworkStats(ctx) }),
      });
      while (!stream.aborted && !stream.closed) {
        const event = queue.shift();
        if (event) {
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, options.keepAliveMs ?? 15_000).unref();
        });
        wake = undefined;
        if (queue.length === 0 && !stream.aborted && !stream.closed) await stream.write(": keep-alive\n\n");
      }
      unsubscribe();
    }),
  );

  options.mountStatic?.(app);
  app.notFound((c) => c.json(new NotFoundError(`no route ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.onError((raw, c) => {
    if (raw instanceof GroundworkError && raw.kind !== "internal") return c.json(raw.toJSON(), statusOf(raw));
    log(`internal error on ${c.req.method} ${c.req.path}: ${raw.stack ?? raw.message}`);
    return c.json({ error: "InternalError", kind: "internal", message: "internal error" }, 500);
  });
  return app;
}
