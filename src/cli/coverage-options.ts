// What the coverage commands share: which oracle to read (--oracle > GW_ORACLE_URL > the local network's first
// oracle), which hotspot (--hotspot NODE_KEY) and which epoch.
import type { Hex } from "viem";
import { InvalidInputError } from "../core/errors.ts";
import { type CoverageClient, createCoverageClient } from "../resources/coverage/oracle/index.ts";
import type { CliContext } from "./context.ts";
import { parseIntegerFlag } from "./format.ts";

export const coverageOptions = {
  oracle: { type: "string" },
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
