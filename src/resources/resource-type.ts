// The one interface every resource type implements (DESIGN.md section 3). The provider daemon, the gateway, the
// SDK and the oracles handle work only through it, so none of them names a resource type.
import type { Hex, PublicClient } from "viem";
import type { z } from "zod";
import type { ChainWallet, Deployment } from "../chain/index.ts";
import type { OracleExtension, RewardComponentSource } from "../oracle/daemon/index.ts";
import type { NodeKey } from "../protocol/index.ts";

/** Bulk inputs travel beside the spec, addressed by their sha256 (0x-hex), so a provider caches them by hash. */
export type Blobs = ReadonlyMap<Hex, Uint8Array>;

/** What one unit of work measured; resource-specific, but always JSON. */
export type Metering = Record<string, number | string | boolean | string[]>;

export interface WorkResult {
  /** The work's primary output (a job's stdout, a tile's pixels, …): what verification compares. */
  output: Uint8Array;
  /** Anything else the customer receives (stderr, exit code) as JSON. */
  outcome: Record<string, number | string | boolean>;
  metering: Metering;
}

export interface ResourceRuntime<Spec> {
  /** Runs one unit of work; rejects with a GroundworkError when the work itself is at fault (bad module, limit). */
  run(work: { spec: Spec; blobs: Blobs }): Promise<WorkResult>;
  close(): Promise<void>;
}

export interface ResourceType<Offer = unknown, Spec = unknown> {
  /** Lower-case name; its keccak256 is the on-chain resource type id. */
  readonly name: string;
  /** Emission weight of one verified unit relative to other types (the oracle scales scores by it). */
  readonly rewardWeight: number;
  /** What a provider advertises for this type: capacity limits and prices. */
  readonly offerSchema: z.ZodType<Offer>;
  /** One unit of work, without its bulk inputs (which are referenced by hash). */
  readonly specSchema: z.ZodType<Spec>;
  /** The blob hashes a spec needs, so the transport can ship and cache them. */
  blobsOf(spec: Spec): Hex[];
  /** Whether an offer can take this work at all (limits within the offer's). */
  accepts(offer: Offer, spec: Spec): boolean;
  /** The most this work can cost under this offer, in token base units: matching and escrow checks use it. */
  quote(offer: Offer, spec: Spec): bigint;
  /** What the provider charges for completed work, from its metering; never above quote(). */
  price(offer: Offer, spec: Spec, metering: Metering): bigint;
  /**
   * The digest replicas must agree on. Work whose metering says it depended on time or randomness is not
   * comparable: `deterministic` returns false and disagreement is then no evidence of fraud.
   */
  resultDigest(result: WorkResult): Hex;
  deterministic(result: WorkResult): boolean;
  /**
   * Cheap checks a gateway runs before dispatching (a module that is not valid WASI, a scene that does not
   * parse): work that can never succeed is refused up front instead of burning providers' time.
   */
  precheck(spec: Spec, blobs: Blobs): Promise<void>;
  createRuntime(options: { concurrency: number }): ResourceRuntime<Spec>;
  /**
   * Optional: a result can be checked by recomputing a random part of it (a render tile's pixels). The customer
   * checks every result this way before paying, a failing check is fraud evidence the oracles re-check themselves,
   * and such work needs no audit replica.
   */
  readonly recompute?: RecomputeVerifier<Spec>;
  /**
   * Optional, for fault injection in tests and simulations only: a cheaper variant of the same work that a lazy
   * provider might run instead while signing for the original (fewer samples, fewer iterations).
   */
  underwork?(spec: Spec): Spec;
  /** Bytes per independent unit of the output (a pixel's RGBA is 4); fault injection alters whole units. Default 1. */
  readonly outputUnitBytes?: number;
  /**
   * Optional: a service the provider daemon runs beside its gateway links while it offers this type (a coverage
   * hotspot's radio loop). Started once the daemon is up, closed when it stops.
   */
  startProviderService?(context: ProviderServiceContext<Offer>): Promise<ProviderService>;
  /** Optional: what this type adds to every oracle (routes, evidence in its bundles, a reward component). */
  oracleExtension?(context: OracleExtensionContext): Promise<OracleExtension>;
  /** Optional: this type's reward component alone, as `gw oracle verify` recomputes it from published bundles. */
  rewardComponentSource?(context: ChainContext): Promise<RewardComponentSource>;
}

export interface ChainContext {
  deployment: Deployment;
  publicClient: PublicClient;
}

export interface ProviderServiceContext<Offer> extends ChainContext {
  offer: Offer;
  nodeKey: NodeKey;
  log: (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
}

export interface ProviderService {
  close(): Promise<void>;
}

export interface OracleExtensionContext extends ChainContext {
  /** The oracle's wallet (in Rewards.oracles()). */
  wallet: ChainWallet;
  /** The oracle's store folder: the extension keeps its own files under it. */
  storeDir: string;
  now?: () => number;
}

/** The work a recomputation check needs: the spec as signed, its blobs, and the output claimed for it. */
export interface RecomputeWork<Spec> {
  spec: Spec;
  blobs: Blobs;
  output: Uint8Array;
}

/** How hard to check: catch a result that faked at least `minFraudShare` of its units with `detectionTarget`. */
export interface RecomputePolicy {
  /** Probability (0 < p < 1) of catching such a result in one check. */
  detectionTarget: number;
  /** The smallest share of faked units (0 < f ≤ 1) the target is met for. */
  minFraudShare: number;
}

export type RecomputeCheck =
  | { ok: true; checked: number; ms: number }
  /** `claim` names the parts that differ: the type's refute() proves it with nothing else but the work. */
  | { ok: false; checked: number; ms: number; claim: unknown };

export interface RecomputeVerifier<Spec> {
  /** Recomputes parts chosen with `random` (called only now, after the output exists) and compares them. */
  check(work: RecomputeWork<Spec>, policy: RecomputePolicy, random: (n: number) => number): Promise<RecomputeCheck>;
  /** True when recomputing just the parts a claim names shows the output is wrong there; false otherwise. */
  refute(work: RecomputeWork<Spec>, claim: unknown): Promise<boolean>;
}

/** A resource type with its generic parameters erased, as the core sees it. */
// biome-ignore lint/suspicious/noExplicitAny: the core deals with offers and specs only through the type's schemas.
export type AnyResourceType = ResourceType<any, any>;
