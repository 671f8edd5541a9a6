// Test support: everything the indexer's API serves, walked page by page (limit 1, so paging is exercised), as one
// JSON value. Two indexes of the same chain must give equal snapshots.
import assert from "node:assert/strict";

// biome-ignore lint/suspicious/noExplicitAny: snapshots are compared as plain JSON.
export type ApiJson = Record<string, any>;
export type ApiGet = (path: string) => Promise<{ status: number; body: ApiJson }>;

export function apiGetter(baseUrl: string): ApiGet {
  return async (path) => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as ApiJson };
  };
}

export async function snapshotApi(get: ApiGet): Promise<ApiJson> {
  const walk = async (path: string, key: string) => {
    const rows: ApiJson[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const page = await get(`${path}${sep}limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      rows.push(...page.body[key]);
      cursor = page.body.next;
    } while (cursor);
    return rows;
  };
  const providers = await walk("/v1/providers", "providers");
  const details = await Promise.all(providers.map((p) => get(`/v1/providers/${p.nodeKey}`)));
  const earnings = await Promise.all(providers.map((p) => get(`/v1/providers/${p.owner}/earnings`)));
  return {
    stats: (await get("/v1/network/stats")).body,
    epochs: await walk("/v1/epochs", "epochs"),
    providers,
    details: details.map((d) => d.body),
    earnings: earnings.map((e) => e.body),
    jobs: await walk("/v1/jobs", "jobs"),
  };
}
