// Reads proof of coverage from an oracle's /v1/coverage/ routes, checking every answer's shape at the boundary.
import type { Hex } from "viem";
import { z } from "zod";
import { RemoteError, StateError } from "../../../core/errors.ts";
import { requestJson } from "../../../oracle/daemon/index.ts";

const statsSchema = z.object({
  reports: z.number(),
  valid: z.number(),
  rewarded: z.number(),
  signaturesVerified: z.number(),
  rejected: z.record(z.string(), z.number()),
  flagged: z.record(z.string(), z.number()),
});

const hotspotSchema = z.object({
  nodeKey: z.string(),
  owner: z.string().optional(),
  cell: z.string().optional(),
  beaconed: z.boolean().optional(),
  beaconWitnesses: z.number().optional(),
  witnessed: z.number().optional(),
  locationVerified: z.boolean().optional(),
  flag: z.string().optional(),
  densityScalePpm: z.number().optional(),
  weight: z.string().optional(),
});

export const coverageStatusSchema = z.object({
  epoch: z.number(),
  receivedThisEpoch: z.object({ beacons: z.number(), witnesses: z.number() }),
  latestJudged: z.object({ epoch: z.number(), stats: statsSchema }).nullable(),
  hotspot: hotspotSchema.optional(),
});
export type CoverageStatus = z.infer<typeof coverageStatusSchema>;

export const coverageMapSchema = z.object({
  epoch: z.number(),
  resolution: z.number(),
  hexes: z.array(
    z.object({ cell: z.string(), hotspots: z.number(), densityScale: z.number(), lat: z.number(), lng: z.number() }),
  ),
});
export type CoverageMap = z.infer<typeof coverageMapSchema>;

export const coverageWitnessesSchema = z.object({
  epoch: z.number(),
  total: z.number(),
  witnesses: z.array(
    z.object({
      witness: z.string(),
      beaconId: z.string(),
      beaconer: z.string(),
      signedAtMs: z.number(),
      rssiDbm: z.number(),
      snrDb: z.number(),
      distanceM: z.number().optional(),
      valid: z.boolean(),
      rewarded: z.boolean(),
      reason: z.string().optional(),
      detail: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
    }),
  ),
});
export type CoverageWitnesses = z.infer<typeof coverageWitnessesSchema>;

/** A judged epoch in full (/v1/coverage/epochs/:e): what an indexer stores. */
export const coverageEpochSchema = z.object({
  epoch: z.number().int().nonnegative(),
  /** The earnings root this epoch's coverage went into, when the oracle says so: an indexer keeps it only if posted. */
  earningsRoot: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/)
    .optional(),
  witnesses: coverageWitnessesSchema.shape.witnesses,
  hotspots: z.array(
    hotspotSchema.extend({
      owner: z.string(),
      beaconed: z.boolean(),
      beaconWitnesses: z.number().int(),
      witnessed: z.number().int(),
      locationVerified: z.boolean(),
      flag: z.enum(["location", "relay", "ring"]).optional(),
      densityScalePpm: z.number().int(),
      weight: z.string().regex(/^\d+$/),
    }),
  ),
  hexes: z.array(
    z.object({
      cell: z.string(),
      resolution: z.number().int().min(0).max(15),
      hotspots: z.number().int(),
      unclipped: z.number().int(),
      clipped: z.number().int(),
    }),
  ),
  stats: statsSchema,
});
export type CoverageEpochResult = z.infer<typeof coverageEpochSchema>;

/** One page of a judged epoch: where the hotspot and witness lists go on (null: done), and which version it is. */
const coverageEpochPageSchema = coverageEpochSchema.extend({
  page: z
    .object({
      version: z.number().int().nonnegative(),
      hotspots: z.number().int().positive().nullable(),
      witnesses: z.number().int().positive().nullable(),
    })
    .optional(),
});

async function get<S extends z.ZodType>(url: string, schema: S): Promise<z.infer<S>> {
  const response = await requestJson(url);
  if (response.status === 404) {
    const message = (response.json as { message?: unknown } | undefined)?.message;
    throw new StateError(typeof message === "string" ? message : "the oracle has no coverage data for this", {
      details: { url },
      hint: "Coverage verdicts exist once an epoch with hotspots has ended and been judged.",
    });
  }
  const parsed = schema.safeParse(response.json);
  if (response.status !== 200 || !parsed.success) {
    throw new RemoteError("the oracle answered something unexpected", { details: { url, status: response.status } });
  }
  return parsed.data;
}

export function createCoverageClient(baseUrl: string, options: { pageSize?: number } = {}) {
  const base = baseUrl.replace(/\/+$/, "");
  const query = (params: Record<string, string | number | undefined>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : "";
  };
  const pageOf = (epoch: number, hotspotsFrom: number, witnessesFrom: number) =>
    get(
      `${base}/v1/coverage/epochs/${epoch}${query({ hotspotsFrom, witnessesFrom, limit: options.pageSize })}`,
      coverageEpochPageSchema,
    );
  /** Follows the pages of an epoch; starts over if the oracle replaces its verdicts meanwhile (a few times at most). */
  async function readWholeEpoch(epoch: number): Promise<CoverageEpochResult> {
    for (let round = 0; round < 3; round++) {
      const { page, ...first } = await pageOf(epoch, 0, 0);
      const whole: CoverageEpochResult = { ...first, hotspots: [...first.hotspots], witnesses: [...first.witnesses] };
      let next = page;
      let changed = false;
      while (next && (next.hotspots !== null || next.witnesses !== null)) {
        const from = {
          hotspots: next.hotspots ?? whole.hotspots.length,
          witnesses: next.witnesses ?? whole.witnesses.length,
        };
        // Each page must move on from where the last ended, or an oracle could keep a reader paging for ever.
        if (from.hotspots !== whole.hotspots.length || from.witnesses !== whole.witnesses.length) {
          throw new RemoteError("the oracle's pages of an epoch do not follow on", { details: { epoch, from } });
        }
        const more = await pageOf(epoch, from.hotspots, from.witnesses);
        if (more.page?.version !== next.version) {
          changed = true;
          break;
        }
        if (more.hotspots.length + more.witnesses.length === 0) {
          throw new RemoteError("the oracle's pages of an epoch do not follow on", { details: { epoch, from } });
        }
        for (const h of more.hotspots) whole.hotspots.push(h);
        for (const w of more.witnesses) whole.witnesses.push(w);
        next = more.page;
      }
      if (!changed) return whole;
    }
    throw new RemoteError("the oracle kept replacing this epoch's verdicts while they were read", {
      details: { epoch },
    });
  }
  return {
    status: (hotspot?: Hex) => get(`${base}/v1/coverage/status${query({ hotspot })}`, coverageStatusSchema),
    map: (options: { epoch?: number; resolution?: number } = {}) =>
      get(`${base}/v1/coverage/map${query(options)}`, coverageMapSchema),
    witnesses: (options: { epoch?: number; hotspot?: Hex; limit?: number } = {}) =>
      get(`${base}/v1/coverage/witnesses${query(options)}`, coverageWitnessesSchema),
    /** A judged epoch in full (every page of it); undefined when this oracle has not judged it. */
    epoch: async (epoch: number): Promise<CoverageEpochResult | undefined> => {
      try {
        return await readWholeEpoch(epoch);
      } catch (error) {
        if (error instanceof StateError) return undefined;
        throw error;
      }
    },
    url: base,
  };
}
export type CoverageClient = ReturnType<typeof createCoverageClient>;
