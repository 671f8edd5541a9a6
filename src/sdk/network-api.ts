// The indexer's HTTP API (docs/indexer.md) as a typed client: network totals, epochs, providers, earnings, jobs, the
// earnings estimator and proof of coverage. Every answer is checked against the same zod schemas the server uses.
import type { z } from "zod";
import { apiSchemas } from "../api/index.ts";
import { InvalidInputError, RemoteError, TimeoutError } from "../core/errors.ts";

type Query = Record<string, string | number | undefined>;
type Page = { cursor?: string; limit?: number };

export interface NetworkApi {
  readonly url: string;
  getNetworkStats(): Promise<z.infer<typeof apiSchemas.networkStatsSchema>>;
  listEpochs(page?: Page): Promise<z.infer<typeof apiSchemas.epochListSchema>>;
  getEpoch(epoch: number): Promise<z.infer<typeof apiSchemas.epochSchema> | undefined>;
  listProviders(
    query?: Page & { resourceType?: string; status?: string },
  ): Promise<z.infer<typeof apiSchemas.providerListSchema>>;
  getProvider(id: string): Promise<z.infer<typeof apiSchemas.providerDetailSchema> | undefined>;
  getProviderEarnings(id: string): Promise<z.infer<typeof apiSchemas.earningsSchema> | undefined>;
  listJobs(query?: Page & { provider?: string; status?: string }): Promise<z.infer<typeof apiSchemas.jobListSchema>>;
  getJob(jobId: string): Promise<z.infer<typeof apiSchemas.jobSchema> | undefined>;
  estimate(query: Query): Promise<z.infer<typeof apiSchemas.estimateSchema>>;
  getCoverageStatus(query?: { hotspot?: string }): Promise<z.infer<typeof apiSchemas.coverageStatusSchema>>;
  listCoverageHexes(
    query?: Page & { epoch?: number; resolution?: number },
  ): Promise<z.infer<typeof apiSchemas.coverageHexListSchema>>;
  listCoverageHotspots(
    query?: Page & { epoch?: number; flagged?: "true" | "false" },
  ): Promise<z.infer<typeof apiSchemas.coverageHotspotListSchema>>;
  getCoverageHotspot(nodeKey: string): Promise<z.infer<typeof apiSchemas.coverageHotspotDetailSchema> | undefined>;
  listCoverageWitnesses(
    query?: Page & { epoch?: number; hotspot?: string },
  ): Promise<z.infer<typeof apiSchemas.coverageWitnessListSchema>>;
}

/** An API base URL as users give it: http(s)://host:port, with or without /v1. */
export function parseApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new InvalidInputError(`invalid API URL ${JSON.stringify(raw)}`, {
      cause,
      hint: "Give the indexer's address, e.g. http://127.0.0.1:8680.",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidInputError(`an API URL is http: or https:, not ${url.protocol}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "")}`;
}

export function createNetworkApi(options: { url: string; timeoutMs?: number }): NetworkApi {
  const base = parseApiUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function getJson<S extends z.ZodType>(
    path: string,
    schema: S,
    query: Query = {},
  ): Promise<z.infer<S> | undefined> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    const url = `${base}${path}${search.size ? `?${search}` : ""}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    } catch (cause) {
      if ((cause as Error).name === "TimeoutError") {
        throw new TimeoutError(`the API did not answer within ${timeoutMs} ms`, { details: { url }, cause });
      }
      throw new RemoteError("cannot reach the API", { details: { url }, cause, hint: "Is the indexer running?" });
    }
    const body = (await response.json().catch(() => undefined)) as { message?: string } | undefined;
    if (response.status === 404) return undefined;
    if (response.status === 400) {
      throw new InvalidInputError(body?.message ?? "the API refused the request", { details: { url, answer: body } });
    }
    if (!response.ok) {
      throw new RemoteError(`the API answered ${response.status}`, { details: { url, answer: body } });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new RemoteError("the API's answer does not have the documented shape", {
        details: { url, issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
      });
    }
    return parsed.data;
  }
  async function must<S extends z.ZodType>(path: string, schema: S, query?: Query): Promise<z.infer<S>> {
    const value = await getJson(path, schema, query);
    if (value === undefined) throw new RemoteError("the API has no such route", { details: { path } });
    return value;
  }
  const id = (value: string) => encodeURIComponent(value);

  return {
    url: base,
    getNetworkStats: () => must("/v1/network/stats", apiSchemas.networkStatsSchema),
    listEpochs: (page = {}) => must("/v1/epochs", apiSchemas.epochListSchema, page),
    getEpoch: (epoch) => getJson(`/v1/epochs/${epoch}`, apiSchemas.epochSchema),
    listProviders: (query = {}) => must("/v1/providers", apiSchemas.providerListSchema, query),
    getProvider: (providerId) => getJson(`/v1/providers/${id(providerId)}`, apiSchemas.providerDetailSchema),
    getProviderEarnings: (providerId) => getJson(`/v1/providers/${id(providerId)}/earnings`, apiSchemas.earningsSchema),
    listJobs: (query = {}) => must("/v1/jobs", apiSchemas.jobListSchema, query),
    getJob: (jobId) => getJson(`/v1/jobs/${id(jobId)}`, apiSchemas.jobSchema),
    estimate: (query) => must("/v1/estimate", apiSchemas.estimateSchema, query),
    getCoverageStatus: (query = {}) => must("/v1/coverage/status", apiSchemas.coverageStatusSchema, query),
    listCoverageHexes: (query = {}) => must("/v1/coverage/hexes", apiSchemas.coverageHexListSchema, query),
    listCoverageHotspots: (query = {}) => must("/v1/coverage/hotspots", apiSchemas.coverageHotspotListSchema, query),
    getCoverageHotspot: (nodeKey) =>
      getJson(`/v1/coverage/hotspots/${id(nodeKey)}`, apiSchemas.coverageHotspotDetailSchema),
    listCoverageWitnesses: (query = {}) => must("/v1/coverage/witnesses", apiSchemas.coverageWitnessListSchema, query),
  };
}
