// The API's contract: every response and query parameter as a zod schema. Handlers build their answers through
// these, /openapi.json is generated from them, and the dashboard and SDK read the same shapes. Amounts are decimal
// strings of token base units (18 decimals); times are unix seconds unless a name ends in Ms.
import { z } from "zod";

export const amount = z.string().regex(/^\d+$/).describe("token base units (18 decimals) as a decimal string");
const hex = z.string().regex(/^0x[0-9a-f]*$/);
export const address = z.string().regex(/^0x[0-9a-f]{40}$/);
export const nodeKey = z.string().regex(/^0x[0-9a-f]{64}$/);

export const revenueShareSchema = z
  .object({ decimal: z.string().nullable(), bps: z.number().int().nullable() })
  .describe("revenue ÷ (revenue + emission); null when both are zero");

export const treasuryInflowSchema = z.object({ total: amount, fees: amount, slashes: amount, other: amount });

export const errorSchema = z
  .object({
    error: z.string(),
    kind: z.enum(["input", "state", "remote", "timeout", "internal"]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    hint: z.string().optional(),
  })
  .describe("every error: GroundworkError.toJSON()");

export const pageSchema = z.object({
  next: z.string().nullable().describe("opaque cursor for the next page; null on the last page"),
});

// ------------------------------------------------------------------ network

export const epochSchema = z.object({
  epoch: z.number().int().nonnegative(),
  start: z.number().int().describe("epoch start by the schedule (genesis + epoch × duration)"),
  end: z.number().int(),
  closed: z.boolean().describe("its root is posted on chain"),
  postedAt: z.number().int().nullable(),
  emission: amount,
  revenue: amount,
  burned: amount,
  treasury: treasuryInflowSchema,
  revenueShare: revenueShareSchema,
  root: hex.nullable(),
  signers: z.array(address),
  activeProviders: z.number().int().nullable().describe("unjailed nodes in the oracles' result; null if not fetched"),
  block: z.number().int().nullable().describe("the block of the post"),
  fromBlock: z.number().int().describe("the window starts after the previous post in this block (or at deployment)"),
  txHash: hex.nullable(),
});
export type EpochView = z.infer<typeof epochSchema>;

export const epochListSchema = pageSchema.extend({ epochs: z.array(epochSchema) });

export const networkStatsSchema = z.object({
  indexedBlock: z.number().int(),
  indexedAt: z.number().int().describe("timestamp of the last indexed block"),
  chainId: z.number().int(),
  currentEpoch: z.object({
    epoch: z.number().int(),
    start: z.number().int(),
    end: z.number().int(),
    nextToPost: z.number().int(),
  }),
  postedEpochs: z.number().int(),
  providers: z.object({
    registered: z.number().int(),
    active: z.number().int(),
    jailed: z.number().int(),
    unbonding: z.number().int(),
    activeStake: amount,
    totalStake: amount,
  }),
  jobs: z.object({
    total: z.number().int(),
    ok: z.number().int(),
    failed: z.number().int(),
    running: z.number().int(),
  }),
  totals: z.object({
    emission: amount,
    revenue: amount,
    burned: amount,
    treasury: treasuryInflowSchema,
    revenueShare: revenueShareSchema,
  }),
  token: z.object({ totalSupply: amount, totalBurned: amount, totalMinted: amount }),
  treasury: z.object({ inflow: amount, outflow: amount, balance: amount }),
});
export type NetworkStatsView = z.infer<typeof networkStatsSchema>;

// ------------------------------------------------------------------ providers

export const providerStatusSchema = z.enum(["active", "unbonding", "jailed", "inactive"]);

export const providerSchema = z.object({
  nodeKey,
  owner: address,
  resourceTypes: z.array(z.string()).describe("type names when this build knows them, else the on-chain id"),
  offer: z.object({
    endpoint: z.string(),
    prices: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .nullable()
      .describe("per resource type, as the provider last announced to a gateway; null if never seen"),
    requiredStake: amount,
  }),
  stake: amount,
  unbonding: amount,
  unbondingRelease: z.number().int().nullable(),
  status: providerStatusSchema,
  jailedUntil: z.number().int().nullable(),
  reputation: z.number().min(0).max(1).nullable().describe("share of its settled job attempts that were good"),
  uptimeBps: z.number().int().nullable().describe("the oracles' uptime for it in the last epoch that counted it"),
  jobs: z.object({ attempts: z.number().int(), good: z.number().int() }),
  h3Cell: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  registeredAt: z.number().int(),
  lastSeen: z.number().int().nullable().describe("latest of: chain activity, an oracle epoch counting it, a job"),
});
export type ProviderView = z.infer<typeof providerSchema>;

export const providerListSchema = pageSchema.extend({ providers: z.array(providerSchema) });

export const providerEventSchema = z.object({
  kind: z.enum(["registered", "offer", "stake", "unbond", "withdraw", "jail", "slash"]),
  amount: amount.nullable(),
  requested: amount.nullable(),
  until: z.number().int().nullable(),
  epoch: z.number().int().nullable().describe("for jail and slash: the epoch whose root applied it"),
  block: z.number().int(),
  txHash: hex,
  timestamp: z.number().int(),
});

export const providerDetailSchema = providerSchema.extend({
  nodes: z.array(nodeKey).describe("every node key of this owner"),
  penalties: z.array(providerEventSchema).describe("jail and slash history, newest first"),
  history: z.array(providerEventSchema).describe("stake history, newest first"),
});

export const earningsEpochSchema = z.object({
  epoch: z.number().int(),
  postedAt: z.number().int(),
  rewards: amount.nullable().describe("emission rewards from the oracles' result; null when not fetched"),
  voucherRevenue: amount.describe("what the escrow paid this owner for vouchers in the epoch's window"),
  total: amount,
});

export const earningsSchema = z.object({
  owner: address,
  nodes: z.array(nodeKey),
  epochs: z.array(earningsEpochSchema),
  totals: z.object({ rewards: amount, voucherRevenue: amount, total: amount, claimed: amount }),
});

// ------------------------------------------------------------------ jobs

export const jobStatusSchema = z.enum(["running", "ok", "failed"]);

export const jobSchema = z.object({
  jobId: z.string(),
  gateway: z.string(),
  customer: address,
  resourceType: z.string(),
  replicas: z.number().int(),
  maxPrice: amount,
  timeoutMs: z.number().int(),
  status: z.string(),
  verification: z.string().nullable(),
  audited: z.boolean().nullable(),
  reroutes: z.number().int().nullable(),
  resultDigest: z.string().nullable(),
  error: z.string().nullable(),
  acceptedAtMs: z.number().int(),
  settledAtMs: z.number().int().nullable(),
  providers: z.array(nodeKey).describe("node keys whose result was accepted"),
  attempts: z.array(z.object({ attempt: z.number().int(), provider: nodeKey, owner: address, outcome: z.string() })),
});
export type JobView = z.infer<typeof jobSchema>;

export const jobListSchema = pageSchema.extend({ jobs: z.array(jobSchema) });

// ------------------------------------------------------------------ estimate

export const estimateSchema = z.object({
  resourceType: z.string(),
  epochsUsed: z.number().int(),
  fromSchedule: z.boolean(),
  inputs: z.record(z.string(), z.unknown()),
  monthly: z.object({
    jobs: z.string(),
    grossRevenue: amount,
    revenue: amount,
    workEmission: amount,
    livenessEmission: amount,
    total: amount,
    energyWh: z.string(),
    electricityCost: z.string().nullable().describe("currency, 18-decimal fixed point"),
    electricityGwk: amount.nullable(),
    net: z.string().describe("total − electricity in GWK base units (may be negative)"),
  }),
  assumptions: z.array(z.string()),
});

// ------------------------------------------------------------------ coverage

const weight = z.string().regex(/^\d+$/).describe("reward weight: reward units × density scale (ppm), integer");
const coverageFlag = z.enum(["location", "relay", "ring"]);

export const coverageHexSchema = z.object({
  epoch: z.number().int(),
  cell: z.string().describe("H3 cell"),
  resolution: z.number().int(),
  hotspots: z.number().int().describe("hotspots that took part validly this epoch inside the hex"),
  densityScale: z.number().describe("clipped ÷ unclipped count: what hex-density scaling left of rewards here"),
  rewardWeight: weight.describe("sum of the reward weights of the hotspots inside the hex"),
  lat: z.number().describe("centre of the hex"),
  lng: z.number(),
});
export const coverageHexListSchema = pageSchema.extend({
  epoch: z.number().int().nullable().describe("the judged epoch shown; null when none is indexed"),
  resolution: z.number().int(),
  hexes: z.array(coverageHexSchema),
});

export const coverageHotspotSchema = z.object({
  epoch: z.number().int(),
  nodeKey,
  owner: address,
  cell: z.string().nullable().describe("asserted H3 cell"),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  valid: z.boolean().describe("not flagged: its beacons and reports count"),
  flag: coverageFlag.nullable().describe("why it was flagged: location, relay or ring"),
  locationVerified: z.boolean(),
  beaconed: z.boolean(),
  beaconWitnesses: z.number().int().describe("rewarded witnesses of its beacon"),
  witnessed: z.number().int().describe("its rewarded witness reports"),
  reports: z.object({ total: z.number().int(), valid: z.number().int() }).describe("its witness reports"),
  rejected: z.record(z.string(), z.number().int()).describe("its rejected witness reports by reason"),
  densityScalePpm: z.number().int(),
  weight,
});
export const coverageHotspotListSchema = pageSchema.extend({
  epoch: z.number().int().nullable(),
  hotspots: z.array(coverageHotspotSchema),
});

export const coverageWitnessSchema = z.object({
  epoch: z.number().int(),
  seq: z.number().int().describe("position in the oracle's verdict list"),
  witness: nodeKey,
  beaconId: z.string(),
  beaconer: nodeKey,
  signedAtMs: z.number().int(),
  rssiDbm: z.number(),
  snrDb: z.number(),
  distanceM: z.number().nullable(),
  valid: z.boolean(),
  rewarded: z.boolean(),
  reason: z.string().nullable().describe("the rule that rejected it"),
  detail: z.record(z.string(), z.union([z.number(), z.string()])).nullable(),
});
export const coverageWitnessListSchema = pageSchema.extend({
  epoch: z.number().int().nullable(),
  total: z.number().int().describe("reports matching the filter in the epoch"),
  witnesses: z.array(coverageWitnessSchema),
});

export const coverageHotspotDetailSchema = coverageHotspotSchema.extend({
  history: z
    .array(
      coverageHotspotSchema.pick({
        epoch: true,
        valid: true,
        flag: true,
        beaconWitnesses: true,
        witnessed: true,
        weight: true,
      }),
    )
    .describe("its verdicts in the latest indexed epochs, newest first"),
  recentWitnesses: z
    .array(coverageWitnessSchema)
    .describe("reports by it or of its beacon in that epoch, newest first"),
});

export const coverageStatsSchema = z.object({
  reports: z.number().int(),
  valid: z.number().int(),
  rewarded: z.number().int(),
  signaturesVerified: z.number().int(),
  rejected: z.record(z.string(), z.number().int()),
  flagged: z.record(z.string(), z.number().int()),
});
export const coverageStatusSchema = z.object({
  latestJudged: z
    .object({ epoch: z.number().int(), stats: coverageStatsSchema, source: z.string() })
    .nullable()
    .describe("the latest judged epoch the index holds"),
  epochs: z.number().int().describe("judged epochs indexed"),
  hotspot: coverageHotspotSchema.nullable().optional().describe("with ?hotspot=: its verdict in that epoch"),
});

// ------------------------------------------------------------------ queries

const limit = z.coerce.number().int().min(1).max(500).default(50).describe("page size, at most 500");
const cursor = z.string().max(200).optional().describe("the `next` of the previous page");

export const pageQuerySchema = z.object({ cursor, limit });
export const providersQuerySchema = z.object({
  cursor,
  limit,
  resourceType: z.string().max(40).optional(),
  status: providerStatusSchema.optional(),
});
export const jobsQuerySchema = z.object({
  cursor,
  limit,
  provider: z.string().max(66).optional().describe("node key or owner address"),
  status: jobStatusSchema.optional(),
});

const coverageEpoch = z.coerce.number().int().min(0).optional().describe("a judged epoch; the latest when absent");
/** A node key as a query parameter: either case, answered in lower case. */
const nodeKeyParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "a node key: 0x + 64 hex digits")
  .transform((v) => v.toLowerCase());
export const coverageHexesQuerySchema = z.object({
  cursor,
  limit,
  epoch: coverageEpoch,
  resolution: z.coerce.number().int().min(0).max(15).default(8).describe("H3 resolution of the hexes (4–10 hold data)"),
});
export const coverageHotspotsQuerySchema = z.object({
  cursor,
  limit,
  epoch: coverageEpoch,
  flagged: z.enum(["true", "false"]).optional().describe("only flagged (true) or only unflagged (false) hotspots"),
});
export const coverageWitnessesQuerySchema = z.object({
  cursor,
  limit,
  epoch: coverageEpoch,
  hotspot: nodeKeyParam.optional().describe("reports by this hotspot or of its beacon"),
});
export const coverageStatusQuerySchema = z.object({ hotspot: nodeKeyParam.optional() });

const decimal = z.string().regex(/^\d+(\.\d{1,18})?$/, "a number such as 0.25 (up to 18 decimals)");
export const estimateQuerySchema = z.object({
  resourceType: z.string().max(40).default("compute"),
  capacity: z.coerce.number().int().min(1).max(1024).default(1),
  jobsPerHour: z.coerce.number().int().min(0).max(1_000_000).default(60),
  pricePerJob: decimal.default("0.01").describe("GWK per job"),
  stake: decimal.optional().describe("GWK; the type's minimum stake when absent"),
  powerWatts: z.coerce.number().int().min(0).max(1_000_000).default(0),
  electricityPrice: decimal.optional().describe("currency per kWh"),
  gwkPrice: decimal.optional().describe("currency per GWK; needed to subtract electricity in GWK"),
  epochs: z.coerce.number().int().min(1).max(10_000).default(10),
});

export const streamEventSchema = z.object({
  type: z.enum(["provider", "job", "epoch", "stats", "coverage"]),
  data: z.unknown(),
});
