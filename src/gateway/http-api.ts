// The customer-facing HTTP API (docs/protocol.md, "Customer → gateway"). Handlers only parse and delegate; every
// error is thrown and mapped to a status in one place (onError): bad input 400, insufficient deposit 402, duplicate
// or wrong state 409, too large 413, no providers 503, timeout 504, remote failures 502, anything else 500 without
// internals. Error bodies are GroundworkError.toJSON().
import type { IncomingMessage } from "node:http";
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { GroundworkError, httpStatusFor, InvalidInputError } from "../core/errors.ts";
import {
  DuplicateJobError,
  InsufficientDepositError,
  NoProvidersError,
  NotAnOracleError,
  PayloadTooLargeError,
  ProviderNotConnectedError,
} from "./errors.ts";
import type { ReportKind, StoredJobRecord, StoredReport } from "./gateway-store.ts";
import type { JobHooks, JobOutcome } from "./job-engine.ts";
import type { GatewayMetrics } from "./metrics.ts";

export interface HttpApiHandlers {
  info(): Record<string, unknown>;
  providers(): Record<string, unknown>[];
  submitJob(raw: unknown, hooks?: JobHooks): Promise<JobOutcome>;
  submitVouchers(raw: unknown): Promise<{ delivered: number; queued: number }>;
  /** A customer's claim.fraud → the gateway's recompute fraud report, once the claim holds. */
  submitClaim(raw: unknown): Promise<unknown>;
  /** An oracle's challenge.request → the provider's challenge.pong envelope. */
  relayChallenge(raw: unknown): Promise<unknown>;
  listReports(params: { kind?: ReportKind; after?: number; limit: number }): {
    reports: StoredReport[];
    next?: number;
  };
  /** The public job feed: accepted and settled records in order, for indexers. */
  listJobRecords(params: { after: number; limit: number }): { records: StoredJobRecord[]; next?: number };
  metrics: GatewayMetrics;
  maxBodyBytes: number;
  log: (line: string) => void;
}

export function httpStatusOf(error: GroundworkError): ContentfulStatusCode {
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof ProviderNotConnectedError) return 404;
  if (error instanceof NotAnOracleError) return 403;
  if (error instanceof InsufficientDepositError) return 402;
  if (error instanceof DuplicateJobError) return 409;
  if (error instanceof NoProvidersError) return 503;
  return httpStatusFor[error.kind];
}

const ndjson = "application/x-ndjson";

/**
 * A POST's body as text, at most `maxBytes`. Read straight from node's request where there is one (the gateway's
 * server): going through the WHATWG Request and its stream cost a job about a millisecond on the way in.
 */
async function readBody(c: Context, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new PayloadTooLargeError("request body too large", {
      details: { maxBytes },
      hint: "Send big blobs once, beside the request; the gateway keeps them by hash.",
    });
  const declared = Number(c.req.header("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > maxBytes) throw tooLarge();
    return text;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      incoming.destroy(); // nothing more of it is read
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(text: Promise<string>): Promise<unknown> {
  const body = await text;
  try {
    return JSON.parse(body);
  } catch {
    // Named like every other envelope rejection, so clients can branch on details.reason alone.
    throw new InvalidInputError("the request body is not JSON", {
      details: { reason: "malformed" },
      hint: "Send a signed envelope as JSON.",
    });
  }
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidInputError("limit is an integer from 1 to 1000");
  return n;
}

function parseAfter(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidInputError("after is a sequence number (an integer ≥ 0)");
  return n;
}

export function createHttpApi(handlers: HttpApiHandlers): Hono {
  const app = new Hono();
  const jsonOf = (c: Context) => readJson(readBody(c, handlers.maxBodyBytes));

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/metrics", async (c) => {
    c.header("content-type", handlers.metrics.registry.contentType);
    return c.body(await handlers.metrics.registry.metrics());
  });
  app.get("/v1/info", (c) => c.json(handlers.info()));
  app.get("/v1/providers", (c) => c.json({ providers: handlers.providers() }));
  app.get("/v1/reports", (c) => {
    const kind = c.req.query("kind");
    if (kind !== undefined && kind !== "fraud" && kind !== "failure") {
      throw new InvalidInputError("kind is fraud or failure");
    }
    const page = handlers.listReports({
      ...(kind ? { kind } : {}),
      after: parseAfter(c.req.query("after")),
      limit: parseLimit(c.req.query("limit")),
    });
    return c.json({ reports: page.reports, next: page.next ?? null });
  });
  app.get("/v1/jobs", (c) => {
    const page = handlers.listJobRecords({
      after: parseAfter(c.req.query("after")),
      limit: parseLimit(c.req.query("limit")),
    });
    return c.json({ records: page.records, next: page.next ?? null });
  });
  app.post("/v1/jobs", async (c) => {
    const raw = await jsonOf(c);
    if (!(c.req.header("accept") ?? "").includes(ndjson)) return c.json(await handlers.submitJob(raw));
    // A client that reads NDJSON gets an audited job's first result as soon as it is in, then the final outcome
    // once the silent replica settles (docs/protocol.md); every other job answers with its one line, as JSON would.
    let answerEarly: (preview: JobOutcome) => void = () => {};
    const preview = new Promise<JobOutcome>((resolve) => {
      answerEarly = resolve;
    });
    const final = handlers.submitJob(raw, { onFirstResult: (p) => answerEarly(p) });
    const first = await Promise.race([preview.then((p) => ({ preview: p })), final.then((o) => ({ outcome: o }))]);
    if ("outcome" in first) return c.json(first.outcome);
    const line = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value)}\n`);
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(line(first.preview));
        try {
          controller.enqueue(line(await final));
        } catch (error) {
          controller.enqueue(line(errorBody(error as Error, c.req.method, c.req.path)));
        }
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": ndjson } });
  });
  app.post("/v1/challenges", async (c) => c.json(await handlers.relayChallenge(await jsonOf(c))));
  app.post("/v1/claims", async (c) => c.json(await handlers.submitClaim(await jsonOf(c))));
  app.post("/v1/vouchers", async (c) => c.json(await handlers.submitVouchers(await jsonOf(c))));

  app.notFound((c) => c.json(new InvalidInputError(`no route ${c.req.method} ${c.req.path}`).toJSON(), 404));
  /** What an error answers: its own body when it is the client's to know, else a bare internal error (logged). */
  const errorBody = (raw: Error, method: string, path: string): Record<string, unknown> => {
    if (raw instanceof GroundworkError) {
      const status = httpStatusOf(raw);
      if (status < 500 || status === 503 || status === 504 || status === 502) return raw.toJSON();
    }
    handlers.log(`internal error on ${method} ${path}: ${raw.stack ?? raw.message}`);
    return { error: "InternalError", kind: "internal", message: "internal error" };
  };
  app.onError((raw, c) => {
    const body = errorBody(raw, c.req.method, c.req.path);
    return c.json(body, raw instanceof GroundworkError && body.kind !== "internal" ? httpStatusOf(raw) : 500);
  });
  return app;
}
