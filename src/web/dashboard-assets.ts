// The dashboard's files: its own browser modules (src/web/public) and the few vendored libraries it imports, read
// from node_modules. Each is loaded once, gzipped once and given an ETag, so the mount answers from memory.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { StateError } from "../core/errors.ts";

export interface DashboardAsset {
  /** The URL path it is served at, e.g. "/app/app.js". */
  path: string;
  contentType: string;
  body: Uint8Array;
  gzipped: Uint8Array;
  etag: string;
  /** Vendored libraries never change for one install: browsers may keep them without asking again. */
  immutable: boolean;
}

/** Vendored modules: the URL each is served at and the file inside node_modules that backs it. */
export const vendorFiles = {
  "/vendor/d3-array.js": { pkg: "d3-array", file: "dist/d3-array.min.mjs" },
  "/vendor/d3-geo.js": { pkg: "d3-geo", file: "dist/d3-geo.min.mjs" },
  // topojson-client ships only a UMD build; /app/topojson-client.js re-exports what it puts on globalThis.
  "/vendor/topojson-client.umd.js": { pkg: "topojson-client", file: "dist/topojson-client.min.js" },
  "/vendor/h3-js.js": { pkg: "h3-js", file: "dist/browser/h3-js.es.js" },
  "/vendor/countries-110m.json": { pkg: "world-atlas", file: "countries-110m.json" },
} as const;

/** Bare specifiers the browser modules import, resolved by the page's import map. */
export const importMap = {
  imports: {
    "d3-array": "/vendor/d3-array.js",
    "d3-geo": "/vendor/d3-geo.js",
    "topojson-client": "/app/topojson-client.js",
    "h3-js": "/vendor/h3-js.js",
  },
};

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
};

export const publicDir = join(import.meta.dirname, "public");

/** The folder of an installed package: node_modules beside this file or in any folder above it. */
export function findPackageDir(pkg: string, from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", pkg);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) {
      throw new StateError(`the dashboard needs the package ${pkg}, which is not installed`, {
        hint: "Run `npm install` in the Groundwork folder.",
      });
    }
  }
}

function makeAsset(path: string, body: Uint8Array, immutable: boolean): DashboardAsset {
  const contentType = contentTypes[extname(path)] ?? "application/octet-stream";
  const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
  return { path, contentType, body, gzipped: gzipSync(body, { level: 9 }), etag, immutable };
}

/** Every file under src/web/public, as URL paths under /app/ (index.html is the page itself, served at /). */
export function listPublicFiles(dir = publicDir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listPublicFiles(path));
    else if (!entry.name.endsWith(".test.js") && statSync(path).isFile()) found.push(path);
  }
  return found;
}

export interface DashboardAssets {
  /** The asset for a URL path, or undefined when there is none. */
  get(path: string): DashboardAsset | undefined;
  /** Every URL path served (the page, its modules, the vendored files). */
  paths(): string[];
}

/** The page with its import map inlined, and the CSP hash that lets exactly that inline script run. */
function renderIndex(): { html: Uint8Array; importMapHash: string } {
  const template = readFileSync(join(publicDir, "index.html"), "utf8");
  const mapJson = JSON.stringify(importMap);
  const importMapHash = `sha256-${createHash("sha256").update(mapJson).digest("base64")}`;
  const html = template.replace("<!--IMPORT_MAP-->", `<script type="importmap">${mapJson}</script>`);
  return { html: new TextEncoder().encode(html), importMapHash };
}

export function loadDashboardAssets(): DashboardAssets & { importMapHash: string } {
  const sources = new Map<string, () => DashboardAsset>();
  const index = renderIndex();
  sources.set("/", () => makeAsset("/index.html", index.html, false));
  for (const file of listPublicFiles()) {
    const path = `/app/${relative(publicDir, file).split(sep).join("/")}`;
    if (path === "/app/index.html") continue;
    sources.set(path, () => makeAsset(path, readFileSync(file), false));
  }
  for (const [path, { pkg, file }] of Object.entries(vendorFiles)) {
    sources.set(path, () => makeAsset(path, readFileSync(join(findPackageDir(pkg), file)), true));
  }
  // Read and compressed on first request: starting the API stays fast, and each file is done once.
  const loaded = new Map<string, DashboardAsset>();
  return {
    importMapHash: index.importMapHash,
    get(path) {
      const cached = loaded.get(path);
      if (cached) return cached;
      const load = sources.get(path);
      if (!load) return undefined;
      const asset = load();
      loaded.set(path, asset);
      return asset;
    },
    paths: () => [...sources.keys()],
  };
}
