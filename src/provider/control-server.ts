// The daemon's local control surface: GET /metrics (Prometheus) and GET /status (JSON), on loopback by default.
// Read-only: nothing here changes the daemon, so exposing it leaks numbers at worst, never keys or control.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { Logger } from "./logger.ts";

export interface ControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startControlServer(options: {
  host: string;
  port: number;
  metrics: Registry;
  status: () => unknown;
  log: Logger;
}): Promise<ControlServer> {
  const app = new Hono();
  app.get("/metrics", async (c) =>
    c.body(await options.metrics.metrics(), 200, { "content-type": options.metrics.contentType }),
  );
  app.get("/status", (c) =>
    c.body(
      JSON.stringify(options.status(), (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
      200,
      {
        "content-type": "application/json",
      },
    ),
  );
  app.notFound((c) => c.json({ error: "not found", paths: ["/status", "/metrics"] }, 404));
  app.onError((error, c) => {
    options.log("error", "control request failed", { path: c.req.path, error: error.message });
    return c.json({ error: "internal error" }, 500);
  });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
    server.once("error", reject);
  });
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
