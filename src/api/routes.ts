// The API's routes in one table: path, summary, query schema and response schema. The app registers handlers
// for exactly these, and /openapi.json is generated from this list, so the document cannot drift from the code.
import type { z } from "zod";
import {
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
  events: {
    path: "/v1/events",
    summary: "Server-Sent Events: {type: provider | job | epoch | stats, data} after each indexed change",
    response: streamEventSchema,
    stream: true,
  },
} as const satisfies Record<string, RouteSpec>;
