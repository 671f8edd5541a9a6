// What the coverage commands share: where to read (the indexer's API when one is known, else the oracle: --oracle >
// GW_ORACLE_URL > the local network's first oracle), which hotspot (--hotspot NODE_KEY) and which epoch.
import type { Hex } from "viem";
import { InvalidInputError } from "../core/errors.ts";
import { type CoverageClient, createCoverageClient } from "../resources/coverage/oracle/index.ts";
import type { NetworkApi } from "../sdk/index.ts";
import { resolveApi } from "./api-source.ts";
import type { CliContext } from "./context.ts";
import { parseIntegerFlag } from "./format.ts";

export const coverageOptions = {
  oracle: { type: "string" },
  api: { type: "string" },
  hotspot: { type: "string" },
  epoch: { type: "string" },
} as const;

export function coverageClient(ctx: CliContext, value: unknown): CoverageClient {
  const url = typeof value === "string" ? value : ctx.env.GW_ORACLE_URL || "http://127.0.0.1:8610";
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new InvalidInputError("--oracle is an http(s) URL", { details: { url } });
  return createCoverageClient(url);
}

export function parseHotspot(value: unknown): Hex | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new InvalidInputError("--hotspot is a node key: 0x + 64 hex digits");
  }
  return value.toLowerCase() as Hex;
}

export function parseEpochFlag(value: unknown): number | undefined {
  return value === undefined ? undefined : parseIntegerFlag(value, "epoch", 0, 0, 1e12);
}

/**
 * The indexer's API when one is known (--api > GW_API_URL > the local network's) and holds the answer, else the
 * oracle. An explicit --oracle without --api asks that oracle. `viaApi` returns undefined when the API has no
 * coverage for the question (nothing indexed yet, an epoch it does not hold): the oracle answers then.
 */
export async function readCoverage<T extends object>(
  ctx: CliContext,
  values: Record<string, unknown>,
  viaApi: (api: NetworkApi) => Promise<T | undefined>,
  viaOracle: (client: CoverageClient) => Promise<T>,
): Promise<T & { source: "api" | "oracle"; apiUrl?: string }> {
  const api = values.oracle !== undefined && values.api === undefined ? undefined : resolveApi(ctx, values.api);
  if (api) {
    try {
      const answer = await viaApi(api);
      if (answer !== undefined) return { source: "api", apiUrl: api.url, ...answer };
      ctx.log(`the API at ${api.url} has no coverage for this yet; asking the oracle`);
    } catch (error) {
      ctx.log(`the API at ${api.url} did not answer (${(error as Error).message}); asking the oracle`);
    }
  }
  return { source: "oracle", ...(await viaOracle(coverageClient(ctx, values.oracle))) };
}
