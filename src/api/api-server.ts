// The API's HTTP server on node:http, and the bridge from indexer changes to the live event stream.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import type { IndexerChange } from "../indexer/index.ts";
import type { EventHub } from "./event-hub.ts";

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(app: Hono, options: { host?: string; port?: number }): Promise<ApiServer> {
  const server: Server = createServer(getRequestListener(app.fetch));
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${hostPart}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Indexer changes as stream events. Events name what changed (a node key, an epoch, a job id); clients fetch the
 * new state from the API. A `stats` event follows every chain batch, job batch and reorg so totals refresh live.
 */
export function publishIndexerChange(hub: EventHub, change: IndexerChange): void {
  switch (change.type) {
    case "providers":
      for (const nodeKey of change.nodeKeys) hub.publish({ type: "provider", data: { nodeKey } });
      return;
    case "epochs":
      for (const epoch of change.epochs) hub.publish({ type: "epoch", data: { epoch } });
      return;
    case "coverage":
      for (const epoch of change.epochs) hub.publish({ type: "coverage", data: { epoch } });
      return;
    case "jobs":
      for (const jobId of change.jobIds) hub.publish({ type: "job", data: { jobId } });
      hub.publish({ type: "stats", data: { reason: "jobs" } });
      return;
    case "chain": {
      const round = change.round;
      if (round.kind === "reorg") {
        hub.publish({ type: "stats", data: { reason: "reorg", from: round.from.block, to: round.to.block } });
      } else {
        hub.publish({ type: "stats", data: { reason: "chain", indexedBlock: round.cursor.block } });
      }
    }
  }
}
