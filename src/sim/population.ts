// The simulated providers and the wallets behind them. Every key derives from the seed, so the same seed gives the
// same node keys, owners, kinds and behaviour flags. Owners are per kind (an honest owner owns only honest nodes),
// because revenue and work rewards are per owner: one kind's penalty must not blur another's numbers.
import type { Hex } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { type NodeKey, nodeKeyFromSeed } from "../protocol/index.ts";
import { deriveBytes, type SeededRandom } from "./seeded-random.ts";
import type { SimOptions } from "./sim-options.ts";

export const providerKinds = ["honest", "flaky", "offline", "cheater", "self-dealer"] as const;
export type ProviderKind = (typeof providerKinds)[number];

export interface SimOwner {
  index: number;
  kind: ProviderKind;
  account: PrivateKeyAccount;
  /** Lower-case address. */
  address: Hex;
  nodes: SimNode[];
}

export interface SimNode {
  index: number;
  kind: ProviderKind;
  key: NodeKey;
  owner: SimOwner;
  /** Cheaters: probability of returning a wrong result. */
  cheatProbability: number;
  /** Flaky: probability of missing a challenge or failing a job. Offline: 1. */
  missProbability: number;
  /** This node's own random stream (its cheats and misses). */
  random: SeededRandom;
}

export interface SimCustomer {
  index: number;
  account: PrivateKeyAccount;
  address: Hex;
}

export interface Population {
  nodes: SimNode[];
  owners: SimOwner[];
  customers: SimCustomer[];
  /** Nodes per kind. */
  counts: Record<ProviderKind, number>;
}

/** A secp256k1 private key derived from the seed (a 256-bit hash is a valid key with overwhelming probability). */
function derivedAccount(seed: string, label: string): PrivateKeyAccount {
  return privateKeyToAccount(`0x${deriveBytes(seed, label).toString("hex")}`);
}

export function createPopulation(options: SimOptions, random: SeededRandom): Population {
  const n = options.providers;
  const count = (share: number) => Math.round(n * share);
  const counts: Record<ProviderKind, number> = {
    cheater: count(options.cheaters),
    flaky: count(options.flaky),
    offline: count(options.offline),
    "self-dealer": count(options.selfDealers),
    honest: 0,
  };
  counts.honest = n - counts.cheater - counts.flaky - counts.offline - counts["self-dealer"];
  if (counts.honest < 0) counts.honest = 0;
  const kinds: ProviderKind[] = [];
  for (const kind of providerKinds) for (let i = 0; i < counts[kind]; i++) kinds.push(kind);
  random.fork("kinds").shuffle(kinds);

  const owners: SimOwner[] = [];
  const nodes: SimNode[] = [];
  const openOwner = new Map<ProviderKind, SimOwner>();
  const behaviour = random.fork("behaviour");
  kinds.forEach((kind, index) => {
    // Self-dealers are small independent operators; the others are pooled into large owners.
    const perOwner = kind === "self-dealer" ? Math.min(10, options.nodesPerOwner) : options.nodesPerOwner;
    let owner = openOwner.get(kind);
    if (!owner || owner.nodes.length >= perOwner) {
      const account = derivedAccount(options.seed, `owner/${owners.length}`);
      owner = { index: owners.length, kind, account, address: account.address.toLowerCase() as Hex, nodes: [] };
      owners.push(owner);
      openOwner.set(kind, owner);
    }
    const [cheatMin, cheatMax] = options.cheatProbability;
    const [missMin, missMax] = options.flakyMissProbability;
    const node: SimNode = {
      index,
      kind,
      key: nodeKeyFromSeed(new Uint8Array(deriveBytes(options.seed, `node/${index}`))),
      owner,
      cheatProbability: kind === "cheater" ? behaviour.between(cheatMin, cheatMax) : 0,
      missProbability: kind === "flaky" ? behaviour.between(missMin, missMax) : kind === "offline" ? 1 : 0,
      random: random.fork(`node/${index}`),
    };
    owner.nodes.push(node);
    nodes.push(node);
  });
  const customers = Array.from({ length: options.customers }, (_, index) => {
    const account = derivedAccount(options.seed, `customer/${index}`);
    return { index, account, address: account.address.toLowerCase() as Hex };
  });
  return { nodes, owners, customers, counts };
}
