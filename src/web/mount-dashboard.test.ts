// The dashboard's mount on a real hono app: the page, its modules and the vendored libraries are served exactly
// (gzipped or not), every module the page imports resolves to a served file, caching and CSP headers hold, and
// nothing outside the dashboard's files is reachable.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { findPackageDir, importMap, mountDashboard, vendorFiles } from "./index.ts";

const app = new Hono();
app.get("/v1/network/stats", (c) => c.json({ ok: true }));
const mounted = mountDashboard(app);
const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

test("GET / is the page with its import map, allowed by its Content-Security-Policy hash", async () => {
  const response = await get("/");
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  const html = await response.text();
  const inline = /<script type="importmap">([^<]*)<\/script>/.exec(html)?.[1];
  assert.ok(inline, "the page carries an import map");
  assert.deepEqual(JSON.parse(inline), importMap);
  const hash = createHash("sha256").update(inline).digest("base64");
  const csp = response.headers.get("content-security-policy") ?? "";
  assert.ok(csp.includes(`'sha256-${hash}'`), csp);
  assert.match(csp, /default-src 'none'/);
  assert.ok(html.indexOf('type="importmap"') < html.indexOf('type="module"'), "the import map comes before modules");
});

test("vendored files are the installed packages' bytes, plain and gzipped", async () => {
  for (const [path, { pkg, file }] of Object.entries(vendorFiles)) {
    const expected = readFileSync(join(findPackageDir(pkg), file));
    const plain = await get(path);
    assert.equal(plain.status, 200, path);
    assert.ok(Buffer.from(await plain.arrayBuffer()).equals(expected), `${path} plain`);
    const zipped = await get(path, { "accept-encoding": "gzip, br" });
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    const body = Buffer.from(await zipped.arrayBuffer());
    assert.equal(Number(zipped.headers.get("content-length")), body.length);
    assert.ok(gunzipSync(body).equals(expected), `${path} gzipped`);
    assert.ok(body.length < expected.length, `${path} compresses`);
  }
});

test("an unchanged file answers 304 to its ETag; app files revalidate, vendored ones are cached", async () => {
  const first = await get("/app/app.js");
  const etag = first.headers.get("etag") ?? "";
  assert.match(etag, /^"[\w-]+"$/);
  assert.equal(first.headers.get("cache-control"), "no-cache");
  const again = await get("/app/app.js", { "if-none-match": `"other", ${etag}` });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  assert.match((await get("/vendor/h3-js.js")).headers.get("cache-control") ?? "", /max-age=\d+/);
  assert.equal((await get("/app/app.js")).headers.get("x-content-type-options"), "nosniff");
});

test("every import in the page's modules resolves to a file the mount serves", async () => {
  const served = new Set(mounted.paths);
  const bare = importMap.imports as Record<string, string>;
  for (const target of Object.values(bare)) assert.ok(served.has(target), `import map target ${target} is served`);
  for (const path of mounted.paths.filter((p) => p.startsWith("/app/") && p.endsWith(".js"))) {
    const source = await (await get(path)).text();
    const specifiers = [...source.matchAll(/(?:from\s*|import\s*\(?\s*)"([^"]+)"/g)].map((m) => m[1] as string);
    for (const specifier of specifiers) {
      if (!specifier.startsWith(".") && !specifier.startsWith("/")) {
        assert.ok(specifier in bare, `${path} imports ${specifier}, which the import map does not name`);
        continue;
      }
      const resolved = new URL(specifier, `http://x${path}`).pathname;
      assert.ok(served.has(resolved), `${path} imports ${specifier} (${resolved}), which is not served`);
      assert.equal((await get(resolved)).status, 200, resolved);
    }
  }
});

test("paths outside the dashboard's files are not found, and the API routes still answer", async () => {
  for (const path of [
    "/app/nope.js",
    "/app/../package.json",
    "/app/%2e%2e/%2e%2e/package.json",
    "/vendor/d3-geo",
    "/src/web/index.ts",
  ]) {
    assert.equal((await get(path)).status, 404, path);
  }
  assert.deepEqual(await (await get("/v1/network/stats")).json(), { ok: true });
  const head = await app.request("/app/app.js", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
});
