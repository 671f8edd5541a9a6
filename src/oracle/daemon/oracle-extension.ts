// What a resource type adds to the oracles, without the daemon naming it: routes on their API, evidence in their
// signed bundles, and a reward component that every oracle (and `gw oracle verify`) computes alike from the union
// of the bundles' evidence and chain data.
import type { Hex } from "viem";
import type { RewardComponent } from "../epoch-types.ts";
import type { EpochChainData } from "./epoch-chain.ts";
import type { OracleRouteExtension } from "./http-api.ts";

/** One oracle's evidence for an extension, as its verified bundle carries it (not yet validated by the extension). */
export interface ExtensionEvidence {
  oracle: Hex;
  data: unknown;
}

export interface RewardComponentSource {
  /** Lower-case; the key of this extension's evidence in bundles and of its component in results. */
  readonly name: string;
  /**
   * The epoch's component from chain data and every bundle's evidence (sorted by oracle). Must be deterministic in
   * its inputs: every oracle and every verifier gets the same root. Undefined: no component this epoch.
   */
  component(input: {
    chain: EpochChainData;
    evidence: readonly ExtensionEvidence[];
  }): Promise<RewardComponent | undefined>;
}

export interface OracleExtension extends OracleRouteExtension {
  /** This oracle's evidence for an ended epoch, signed into its bundle under `extensions[name]`. */
  evidence?(epoch: number): Promise<unknown>;
  /** How this extension's evidence becomes a reward component (the same object `gw oracle verify` builds). */
  readonly rewards?: RewardComponentSource;
  close?(): Promise<void>;
}
