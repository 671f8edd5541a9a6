// The packet router's HTTP API: hotspots POST signed packet.deliver envelopes to /v1/packets; /v1/info names the
// router (its `to`), chain, escrow and price; /v1/offer is the owner's published offer (when given); /v1/stats counts
// what was paid, duplicated and refused. Errors map to
// statuses in one place: refusals 400 with details.reason, chain trouble 502, anything else 500 without internals.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { GroundworkError, httpStatusFor, InvalidInputError } from "../../../core/errors.ts";
import type { RouterInfo } from "./packet-messages.ts";
import type { PacketRouter } from "./packet-router.ts";
import type { RouterOffer } from "./router-offer.ts";

export interface RouterServer {
  url: string;
  close(): Promise<void>;
}

export async function startRouterServer(options: {
  router: PacketRouter;
  info: RouterInfo;
  offer?: RouterOffer;
  host: string;
  port: number;
  log: (line: string) => void;
}): Promise<RouterServer> {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/v1/info", (c) => c.json(options.info));
  app.get("/v1/offer", (c) =>
    options.offer
      ? c.json(options.offer)
      : c.json(new InvalidInputError("this router has no published offer").toJSON(), 404),
  );
  app.get("/v1/stats", (c) => c.json(options.router.stats()));
  app.post(
    "/v1/packets",
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new InvalidInputError("request body too large", { details: { reason: "malformed" } });
      },
    }),
    async (c) => {
      let raw: unknown;
      try {
        raw = JSON.parse(await c.req.text());
      } catch {
        throw new InvalidInputError("the request body is not JSON", { details: { reason: "malformed" } });
      }
      return c.json(await options.router.deliver(raw));
    },
  );
  app.notFound((c) => c.json(new InvalidInputError(`no route ${c.req.method} ${c.req.path}`).toJSON(), 404));
  app.onError((error, c) => {
    if (error instanceof GroundworkError && error.kind !== "internal") {
      return c.json(error.toJSON(), httpStatusFor[error.kind]);
    }
    options.log(`internal error on ${c.req.method} ${c.req.path}: ${error.stack ?? error.message}`);
    return c.json({ error: "InternalError", kind: "internal", message: "internal error" }, 500);
  });
  const server: Server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
