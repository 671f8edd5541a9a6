// A client for an oracle's HTTP API (docs/oracle.md, "HTTP API of an oracle"): epochs, proofs and an account's
// earnings. Amounts travel as decimal strings of base units; every answer is schema-checked before use.
import type { Hex } from "viem";
import { z } from "zod";
import { InvalidInputError, RemoteError, TimeoutError } from "../core/errors.ts";

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex") as unknown as z.ZodType<Hex>;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected an address") as unknown as z.ZodType<Hex>;
const amount = z
  .union([z.string().regex(/^\d+$/, "expected a decimal integer"), z.number().int().nonnegative()])
  .transform((v) => BigInt(v));

export const oracleProofSchema = z.object({
  account: address,
  cumulativeAmount: amount,
  proof: z.array(hex),
  epoch: z.number().int().nonnegative().optional(),
  root: hex.optional(),
});
export type OracleProof = z.infer<typeof oracleProofSchema>;

export const oracleEpochSchema = z
  .object({
    epoch: z.number().int().nonnegative(),
    earningsRoot: hex.optional(),
    root: hex.optional(),
    cumulativeTotal: amount,
    jailed: z.array(hex).default([]),
    slashes: z.array(z.object({ nodeKey: hex, amount })).default([]),
    owners: z
      .array(
        z.object({
          owner: address,
          revenue: amount,
          work: amount,
          liveness: amount,
          reward: amount.optional(),
          cumulative: amount,
        }),
      )
      .default([]),
    nodes: z
      .array(
        z.object({
          nodeKey: hex,
          owner: address,
          jailed: z.boolean().default(false),
          slashed: amount.default(0n),
          uptimeBps: z.number().int().min(0).max(10_000).optional(),
          liveness: amount.optional(),
        }),
      )
      .default([]),
  })
  .transform((e) => ({ ...e, earningsRoot: (e.earningsRoot ?? e.root) as Hex | undefined }));
export type OracleEpoch = z.infer<typeof oracleEpochSchema>;

const earningsEntry = z.object({
  epoch: z.number().int().nonnegative(),
  revenue: amount.optional(),
  work: amount.default(0n),
  liveness: amount.default(0n),
  reward: amount.optional(),
  cumulative: amount,
  penalties: z.unknown().optional(),
});
export const oracleEarningsSchema = z
  .union([z.object({ account: address.optional(), epochs: z.array(earningsEntry) }), z.array(earningsEntry)])
  .transform((v) => (Array.isArray(v) ? v : v.epochs));
export type OracleEarningsEntry = z.infer<typeof earningsEntry>;

export interface OracleClient {
  readonly url: string;
  /** The epoch as computed and posted; undefined when the oracle does not have it (404). */
  getEpoch(epoch: number): Promise<OracleEpoch | undefined>;
  /** The proof of `account`'s leaf in `epoch`'s tree; undefined when it has no leaf (404). */
  getProof(epoch: number, account: Hex): Promise<OracleProof | undefined>;
  /** Per epoch rewards of `account`; undefined when the oracle does not serve them (404). */
  getEarnings(account: Hex): Promise<OracleEarningsEntry[] | undefined>;
}

/** Checks an oracle URL given by a user (http or https). */
export function parseOracleUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new InvalidInputError(`invalid oracle URL ${JSON.stringify(raw)}`, {
      cause,
      hint: "Give the oracle's HTTP address, e.g. http://127.0.0.1:8600.",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidInputError(`an oracle URL is http: or https:, not ${url.protocol}`);
  }
  return url.toString().replace(/\/+$/, "");
}

export function createOracleClient(options: { url: string; timeoutMs?: number }): OracleClient {
  const base = parseOracleUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | undefined> {
    const url = `${base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    } catch (cause) {
      if ((cause as Error).name === "TimeoutError") {
        throw new TimeoutError(`the oracle did not answer within ${timeoutMs} ms`, { details: { url }, cause });
      }
      throw new RemoteError("cannot reach the oracle", {
        details: { url },
        cause,
        hint: "Is the oracle running? Check --oracle.",
      });
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      const text = (await response.text()).slice(0, 300);
      throw new RemoteError(`the oracle answered ${response.status}`, { details: { url, body: text } });
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw new RemoteError("the oracle answered something that is not JSON", { details: { url }, cause });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new RemoteError("the oracle's answer does not have the documented shape", {
        details: { url, issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`) },
      });
    }
    return parsed.data;
  }

  return {
    url: base,
    getEpoch: (epoch) => getJson(`/v1/epochs/${epoch}`, oracleEpochSchema),
    getProof: (epoch, account) => getJson(`/v1/epochs/${epoch}/proofs/${account}`, oracleProofSchema),
    getEarnings: (account) => getJson(`/v1/accounts/${account}/earnings`, oracleEarningsSchema),
  };
}
