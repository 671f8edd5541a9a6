// What the economics commands share: the oracle to ask (--oracle > GW_ORACLE_URL), whose earnings they are
// (--address > --account > this home's provider config), and a plain text table.
import type { Hex } from "viem";
import { InvalidInputError, StateError } from "../core/errors.ts";
import { createOracleClient, type OracleClient } from "../economics/index.ts";
import { providerPaths, readProviderConfig } from "../provider/index.ts";
import { findAccount, parseAddress } from "../wallet/index.ts";
import type { CliContext } from "./context.ts";

export const oracleOption = { oracle: { type: "string" } } as const;

export function resolveOracle(ctx: CliContext, value: unknown): OracleClient | undefined {
  const url = typeof value === "string" ? value : ctx.env.GW_ORACLE_URL || undefined;
  return url === undefined ? undefined : createOracleClient({ url });
}

export function requireOracle(ctx: CliContext, value: unknown): OracleClient {
  const oracle = resolveOracle(ctx, value);
  if (!oracle) {
    throw new InvalidInputError("no oracle to ask for the proof", {
      hint: "Pass --oracle URL (or set GW_ORACLE_URL), e.g. http://127.0.0.1:8600.",
    });
  }
  return oracle;
}

/** Whose earnings: --address, else the --account wallet, else this home's provider owner. */
export function resolveOwner(ctx: CliContext, address: unknown): { owner: Hex; source: string } {
  if (typeof address === "string") return { owner: parseAddress(address), source: "--address" };
  if (ctx.options.account) {
    return { owner: findAccount(ctx.options.home, ctx.options.account).address, source: "--account" };
  }
  try {
    return { owner: readProviderConfig(ctx.options.home).owner, source: "provider config" };
  } catch (error) {
    if (error instanceof StateError) {
      throw new InvalidInputError("whose earnings? this home has no provider config", {
        details: { config: providerPaths(ctx.options.home).config },
        hint: "Pass --address ADDRESS or --account NAME, or run it in the provider's home.",
      });
    }
    throw error;
  }
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}
