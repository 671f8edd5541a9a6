// Serves the dashboard on an existing hono app (the API server), so the page and the API share one origin and port:
// GET / is the page, /app/* its modules, /vendor/* the vendored libraries. Answers from memory, gzipped when the
// browser accepts it, with ETags for revalidation and a Content-Security-Policy that allows only this origin.
import type { Context, Hono } from "hono";
import { type DashboardAsset, loadDashboardAssets } from "./dashboard-assets.ts";

export interface MountDashboardOptions {
  /** Extra origins the page may connect to (fetch, EventSource), e.g. an API on another port. Default: none. */
  connectSources?: string[];
}

export interface MountedDashboard {
  /** Every URL path the dashboard serves. */
  paths: string[];
}

function respond(c: Context, asset: DashboardAsset, csp: string): Response {
  const headers = new Headers({
    "content-type": asset.contentType,
    etag: asset.etag,
    "cache-control": asset.immutable ? "public, max-age=604800" : "no-cache",
    "x-content-type-options": "nosniff",
    vary: "accept-encoding",
  });
  if (asset.contentType.startsWith("text/html")) {
    headers.set("content-security-policy", csp);
    headers.set("referrer-policy", "no-referrer");
  }
  const ifNoneMatch = c.req.header("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === asset.etag)) {
    return new Response(null, { status: 304, headers });
  }
  const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
  const body = gzip ? asset.gzipped : asset.body;
  if (gzip) headers.set("content-encoding", "gzip");
  headers.set("content-length", String(body.byteLength));
  return new Response(c.req.method === "HEAD" ? null : body, { status: 200, headers });
}

export function mountDashboard(app: Hono, options: MountDashboardOptions = {}): MountedDashboard {
  const assets = loadDashboardAssets();
  const connect = ["'self'", ...(options.connectSources ?? [])].join(" ");
  const csp = [
    "default-src 'none'",
    `script-src 'self' '${assets.importMapHash}'`,
    `connect-src ${connect}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  const serve = (c: Context) => {
    const path = c.req.path === "/index.html" ? "/" : c.req.path;
    const asset = assets.get(path);
    return asset ? respond(c, asset, csp) : c.notFound();
  };
  for (const pattern of ["/", "/index.html", "/app/*", "/vendor/*"]) app.on(["GET", "HEAD"], pattern, serve);
  return { paths: assets.paths() };
}
