// An oracle's HTTP API (docs/oracle.md, "HTTP API of an oracle"). Handlers parse and delegate; errors are thrown
// and mapped to a status in one place: bad input 400, not found / not yet 404, wrong state 409, remote 502,
// anything else 500 without internals.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Registry } from "prom-client";
import type { Hex } from "viem";
import { GroundworkError, httpStatusFor, InvalidInputError, StateError } from "../../core/errors.ts";

/** The thing asked for does not exist (yet): 404. */
export class NotFoundError extends StateError {
  override name = "NotFoundError";
}

/** Routes a resource type adds to every oracle's API (under /v1/<its name>/), mounted before the catch-all. */
export interface OracleRouteExtension {
  readonly name: string;
  mount(app: Hono): void;
}

export interface OracleHttpHandlers {
  info(): Promise<Record<string, unknown>>;
  epoch(epoch: number): Record<string, unknown>;
  ownBundle(epoch: number): unknown;
  bundle(epoch: number, hash: Hex): unknown;
  propose(epoch: number, raw: unknown): Promise<{ signature: Hex }>;
  proof(epoch: number, account: Hex): Record<string, unknown>;
  earnings(account: Hex): Record<string, unknown>;
  metrics: Registry;
  log: (line: string) => void;
  extensions?: readonly OracleRouteExtension[];
}

function statusOf(error: GroundworkError): ContentfulStatusCode {
  if (error instanceof NotFoundError) return 404;
  return httpStatusFor[error.kind];
}

function parseEpoch(value: string): number {
  const n = Number(value);
  if (!/^\d{1,12}$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidInputError("an epoch is an integer ≥ 0");
  return n;
}

function parseAccount(value: string): Hex {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidInputError("invalid address");
  return value.toLowerCase() as Hex;
}

export function createOracleHttpApi(handlers: OracleHttpHandlers): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/metrics", async (c) => {
    c.header("content-type", handlers.metrics.contentType);
    return c.body(await handlers.metrics.metrics());
  });
  app.get("/v1/info", async (c) => c.json(await handlers.info()));
  app.get("/v1/epochs/:e", (c) => c.json(handlers.epoch(parseEpoch(c.req.param("e")))));
  app.get("/v1/epochs/:e/bundle", (c) => c.json(handlers.ownBundle(parseEpoch(c.req.param("e")))));
  app.get("/v1/epochs/:e/bundles/:hash", (c) => {
    const hash = c.req.param("hash");
    if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new InvalidInputError("a bundle hash is 0x + 64 lower-case hex");
    return c.json(handlers.bundle(parseEpoch(c.req.param("e")), hash as Hex));
  });
  app.post("/v1/epochs/:e/proposals", bodyLimit({ maxSize: 1024 * 1024 }), async (c) => {
    let raw: unknown;
    try {
      raw = JSON.parse(await c.req.text());
    } catch {
      throw new InvalidInputError("the request body is not JSON");
    }
    return c.json(await handlers.propose(parseEpoch(c.req.param("e")), raw));
  });
  app.get("/v1/epochs/:e/proofs/:account", (c) =>
    c.json(handlers.proof(parseEpoch(c.req.param("e")), parseAccount(c.req.param("account")))),
  );
  app.get("/v1/accounts/:account/earnings", (c) => c.json(handlers.earnings(parseAccount(c.req.param("account")))));
  for (const extension of handlers.extensions ?? []) extension.mount(app);
  installErrorHandling(app, handlers.log);
  return app;
}

/** The oracle API's 404 and error mapping, for the oracle and for anything serving the same routes. */
export function installErrorHandling(app: Hono, log: (line: string) => void): void {
  app.notFound((c) => c.json(new NotFoundError(`no route ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.onError((raw, c) => {
    if (raw instanceof GroundworkError && raw.kind !== "internal") return c.json(raw.toJSON(), statusOf(raw));
    log(`internal error on ${c.req.method} ${c.req.path}: ${raw.stack ?? raw.message}`);
    return c.json({ error: "InternalError", kind: "internal", message: "internal error" }, 500);
  });
}
