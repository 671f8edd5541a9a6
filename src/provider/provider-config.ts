// The provider's home: <home>/provider/ holds the encrypted node key, config.json, the result journal and the
// vouchers. The config is validated once on load; each offer is checked by its resource type's own offer schema.
import { join } from "node:path";
import { isValidCell } from "h3-js";
import { type Hex, parseUnits } from "viem";
import { z } from "zod";
import { InvalidInputError, StateError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../core/json-file.ts";
import { parseGatewayUrl } from "../protocol/index.ts";
import { getResourceType } from "../resources/index.ts";

export interface ProviderPaths {
  dir: string;
  nodeKey: string;
  config: string;
  journal: string;
  vouchers: string;
}

export function providerPaths(home: string): ProviderPaths {
  const dir = join(home, "provider");
  return {
    dir,
    nodeKey: join(dir, "node-key.json"),
    config: join(dir, "config.json"),
    journal: join(dir, "journal"),
    vouchers: join(dir, "vouchers.json"),
  };
}

const probability = z.number().min(0).max(1);

/** The gateway's provider endpoint: ws(s)://host[:port]/v1/providers; a bare host URL gets the path added. */
export function normalizeGatewayUrl(raw: string): string {
  return parseGatewayUrl(raw).ws;
}

export const providerConfigSchema = z
  .object({
    version: z.literal(1),
    /** The wallet that registered the node key and receives every payment. */
    owner: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/)
      .transform((s) => s.toLowerCase() as Hex),
    /** The keystore account name of the owner wallet (signs stake and redeem transactions). */
    account: z.string().min(1),
    gateways: z
      .array(
        z.string().transform((s, ctx) => {
          try {
            return normalizeGatewayUrl(s);
          } catch (error) {
            ctx.addIssue({ code: "custom", message: (error as Error).message });
            return z.NEVER;
          }
        }),
      )
      .max(32),
    /** Where the node says it is: the H3 cell `gw provider stake` registers (proof of coverage checks it). */
    location: z
      .object({
        h3Cell: z.string().refine((c) => isValidCell(c), "a valid H3 cell index (15 hex digits)"),
      })
      .optional(),
    /** Jobs run at once, over all resource types. */
    capacity: z.number().int().min(1).max(1024),
    /** Resource type name → that type's offer (validated by its offerSchema below). */
    offers: z.record(z.string(), z.unknown()),
    redeem: z.object({
      /** Redeem as soon as this many tokens (decimal, e.g. "10") are owed and unredeemed. */
      minAmount: z.string().regex(/^\d+(\.\d{1,18})?$/, "a token amount such as 10 or 2.5"),
      /** Redeem whatever is owed at least this often. */
      intervalSeconds: z
        .number()
        .int()
        .min(1)
        .max(30 * 24 * 3600),
    }),
    control: z.object({
      host: z.string().min(1).default("127.0.0.1"),
      /** 0 picks a free port. */
      port: z.number().int().min(0).max(65535),
    }),
    /** Largest blob cache in MiB (blobs are kept in memory by hash). */
    blobCacheMb: z.number().int().min(1).max(65536).default(256),
    /** Days a finished result stays in the journal for resending. */
    journalDays: z.number().min(0.001).max(365).default(7),
    /**
     * Fault injection for simulations and tests ONLY, off by default: a provider that cheats or drops work, run
     * through the same code as an honest one. corruptOutput: probability of altering the output bytes before the
     * receipt is built; dropJobs: probability of silently ignoring a job.assign; corruptShare: share of the output's
     * units (pixels) altered in every result; underwork: probability of running the type's cheaper variant (fewer
     * samples) while signing for the work asked.
     */
    faults: z
      .object({
        corruptOutput: probability.optional(),
        dropJobs: probability.optional(),
        corruptShare: probability.optional(),
        underwork: probability.optional(),
      })
      .optional(),
  })
  .superRefine((config, ctx) => {
    if (Object.keys(config.offers).length === 0) {
      ctx.addIssue({ code: "custom", path: ["offers"], message: "offer at least one resource type" });
    }
    for (const [name, offer] of Object.entries(config.offers)) {
      const type = getResourceType(name);
      if (!type) {
        ctx.addIssue({ code: "custom", path: ["offers", name], message: `unknown resource type ${name}` });
        continue;
      }
      const parsed = type.offerSchema.safeParse(offer);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          ctx.addIssue({ code: "custom", path: ["offers", name, ...issue.path.map(String)], message: issue.message });
        }
      }
    }
  });

export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type ProviderConfigInput = z.input<typeof providerConfigSchema>;

/** The minimum unredeemed amount in token base units. */
export function redeemMinAmount(config: ProviderConfig): bigint {
  return parseUnits(config.redeem.minAmount, 18);
}

export function readProviderConfig(home: string): ProviderConfig {
  const path = providerPaths(home).config;
  const config = readJsonFile(path, providerConfigSchema);
  if (!config) {
    throw new StateError("this home has no provider config", {
      details: { path },
      hint: "Run `gw provider init` first.",
    });
  }
  return config;
}

export function writeProviderConfig(home: string, config: ProviderConfigInput): ProviderConfig {
  const parsed = providerConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw new InvalidInputError("invalid provider config", {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
    });
  }
  writeJsonAtomic(providerPaths(home).config, parsed.data);
  return parsed.data;
}
