// The API's routes in one table: path, summary, query schema and response schema. The app registers handlers
// for exactly these, and /openapi.json is generated from this list, so the document cannot drift from the code.
import type { z } from "zod";
import {
  coverageHexesQuerySchema,
  coverageHexListSchema,
  coverageHotspotDetailSchema,
  coverageHotspotListSchema,
  coverageHotspotsQuerySchema,
  coverageStatusQuerySchema,
  coverageStatusSchema,
  coverageWitnessesQuerySchema,
  coverageWitnessListSchema,
  earningsSchema,
  epochListSchema,
  epochSchema,
  estimateQuerySchema,
  estimateSchema,
  jobListSchema,
  jobSchema,
  jobsQuerySchema,
  networkStatsSchema,
  pageQuerySchema,
  providerDetailSchema,
  providerListSchema,
  providersQuerySchema,
  streamEventSchema,
} from "./schemas.ts";

export interface RouteSpec {
  path: string;
  summary: string;
  params?: Record<string, string>;
  query?: z.ZodObject;
  response: z.ZodType;
  /** Server-Sent Events instead of one JSON document. */
  stream?: boolean;
}

export const apiRoutes = {
  stats: { path: "/v1/network/stats", summary: "network totals and the current epoch", response: networkStatsSchema },
  epochs: {
    path: "/v1/epochs",
    summary: "epochs newest first: the open one, then each posted root with its economics",
    query: pageQuerySchema,
    response: epochListSchema,
  },
  epoch: {
    path: "/v1/epochs/{epoch}",
    summary: "one epoch",
    params: { epoch: "epoch number" },
    response: epochSchema,
  },
  providers: {
    path: "/v1/providers",
    summary: "providers in registration order",
    query: providersQuerySchema,
    response: providerListSchema,
  },
  provider: {
    path: "/v1/providers/{id}",
    summary: "a provider by node key, or an owner's first node with all its node keys; with jail/slash history",
    params: { id: "node key or owner address" },
    response: providerDetailSchema,
  },
  earnings: {
    path: "/v1/providers/{id}/earnings",
    summary: "the owner's earnings per posted epoch: rewards, voucher revenue, total",
    params: { id: "node key or owner address" },
    response: earningsSchema,
  },
  jobs: { path: "/v1/jobs", summary: "jobs newest first", query: jobsQuerySchema, response: jobListSchema },
  job: { path: "/v1/jobs/{id}", summary: "one job", params: { id: "job id" }, response: jobSchema },
  estimate: {
    path: "/v1/estimate",
    summary: "expected monthly earnings for an offer (same estimator as `gw provider estimate`)",
    query: estimateQuerySchema,
    response: estimateSchema,
  },
  coverageStatus: {
    path: "/v1/coverage/status",
    summary: "proof of coverage: the latest judged epoch indexed, its stats, and one hotspot's verdict (?hotspot=)",
    query: coverageStatusQuerySchema,
    response: coverageStatusSchema,
  },
  coverageHexes: {
    path: "/v1/coverage/hexes",
    summary: "coverage as H3 hexes of a judged epoch: hotspots, density scale, reward weight, centre",
    query: coverageHexesQuerySchema,
    response: coverageHexListSchema,
  },
  coverageHotspots: {
    path: "/v1/coverage/hotspots",
    summary: "hotspot verdicts of a judged epoch: validity, flag, witnesses, rejected reports by reason, weight",
    query: coverageHotspotsQuerySchema,
    response: coverageHotspotListSchema,
  },
  coverageHotspot: {
    path: "/v1/coverage/hotspots/{nodeKey}",
    summary: "one hotspot's latest verdict, its recent epochs and its witness reports",
    params: { nodeKey: "the hotspot's node key" },
    response: coverageHotspotDetailSchema,
  },
  coverageWitnesses: {
    path: "/v1/coverage/witnesses",
    summary: "witness reports of a judged epoch with their verdict and reason, newest first",
    query: coverageWitnessesQuerySchema,
    response: coverageWitnessListSchema,
  },
  events: {
    path: "/v1/events",
    summary: "Server-Sent Events: {type: provider | job | epoch | stats | coverage, data} after each indexed change",
    response: streamEventSchema,
    stream: true,
  },
} as const satisfies Record<string, RouteSpec>;
