// The inputs and outputs of one epoch's computation (docs/oracle.md): everything an oracle needs to compute
// rewards, penalties and the earnings root, and everything it publishes so others can recompute it.
import type { Hex } from "viem";

export interface EpochParams {
  workShareBps: bigint;
  workEmissionCapBps: bigint;
  downtimeJailSeconds: bigint;
  slashAmount: bigint;
  /** Escrow's burn share of every redemption, in basis points. */
  burnBps: bigint;
}

export interface ProviderSnapshot {
  nodeKey: Hex;
  owner: Hex;
  /** Bonded stake at the epoch's end. */
  stake: bigint;
}

export interface NodeLiveness {
  nodeKey: Hex;
  challenged: number;
  answered: number;
  /** Longest stretch of the epoch, in seconds, covered only by unanswered challenges. */
  longestSilenceSeconds: number;
}

export interface ProvenFraud {
  nodeKey: Hex;
  jobId: string;
}

/**
 * A share of the emission that a resource type pays by its own evidence (coverage proofs, storage proofs, …): the
 * pool is emission × shareBps / 10⁴, split over unpenalised nodes in proportion to `weights`.
 */
export interface RewardComponent {
  /** Lower-case name, unique among the epoch's components. */
  name: string;
  shareBps: bigint;
  weights: { nodeKey: Hex; weight: bigint }[];
}

export interface EpochInputs {
  epoch: number;
  startTime: number;
  endTime: number;
  emission: bigint;
  params: EpochParams;
  providers: ProviderSnapshot[];
  /** Gross voucher redemptions in the epoch, per provider owner. */
  revenue: { owner: Hex; amount: bigint }[];
  liveness: NodeLiveness[];
  fraud: ProvenFraud[];
  /** The previous epoch's leaves: owner → cumulative amount. */
  previous: ReadonlyMap<Hex, bigint>;
  /** Resource types' own reward components; their pools come out of the liveness pool. */
  components?: RewardComponent[];
}

export interface OwnerBreakdown {
  owner: Hex;
  revenue: bigint;
  work: bigint;
  liveness: bigint;
  /** Per reward component, when the epoch has components. */
  components?: Record<string, bigint>;
  /** This epoch's reward (work + liveness + components). */
  reward: bigint;
  cumulative: bigint;
}

export interface NodeBreakdown {
  nodeKey: Hex;
  owner: Hex;
  uptimeBps: number;
  liveness: bigint;
  jailed: boolean;
  slashed: bigint;
  fraudJobs: number;
  /** Per reward component, when the epoch has components. */
  components?: Record<string, bigint>;
}

export interface EpochResult {
  epoch: number;
  earningsRoot: Hex;
  cumulativeTotal: bigint;
  /** Sorted by account; the tree's leaf order. */
  leaves: { account: Hex; cumulativeAmount: bigint }[];
  jailed: Hex[];
  slashes: { nodeKey: Hex; amount: bigint }[];
  owners: OwnerBreakdown[];
  nodes: NodeBreakdown[];
  /** Emission not allocated this epoch (caps, floors, nobody eligible): stays in Rewards. */
  unallocated: bigint;
}
