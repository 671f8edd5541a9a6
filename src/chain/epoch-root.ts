// EIP-712 epoch roots: what the oracles co-sign for each epoch (earnings Merkle root, cumulative total, jail and
// slash lists) and the ascending-signer signature bundle that Rewards.postRoot checks M of N.
import { type Account, concatHex, type Hex, hashTypedData, recoverTypedDataAddress } from "viem";
import { InvalidInputError } from "../core/errors.ts";

export interface SlashEntry {
  nodeKey: Hex;
  amount: bigint;
}

export interface EpochRoot {
  epoch: bigint;
  earningsRoot: Hex;
  cumulativeTotal: bigint;
  jailed: Hex[];
  slashes: SlashEntry[];
}

export interface RewardsDomain {
  chainId: number;
  rewards: Hex;
}

const epochRootTypes = {
  EpochRoot: [
    { name: "epoch", type: "uint64" },
    { name: "earningsRoot", type: "bytes32" },
    { name: "cumulativeTotal", type: "uint256" },
    { name: "jailed", type: "bytes32[]" },
    { name: "slashes", type: "Slash[]" },
  ],
  Slash: [
    { name: "nodeKey", type: "bytes32" },
    { name: "amount", type: "uint256" },
  ],
} as const;

function domainOf(d: RewardsDomain) {
  return { name: "Groundwork Rewards", version: "1", chainId: d.chainId, verifyingContract: d.rewards } as const;
}

export function epochRootDigest(domain: RewardsDomain, root: EpochRoot): Hex {
  return hashTypedData({ domain: domainOf(domain), types: epochRootTypes, primaryType: "EpochRoot", message: root });
}

export async function signEpochRoot(account: Account, domain: RewardsDomain, root: EpochRoot): Promise<Hex> {
  if (!account.signTypedData)
    throw new InvalidInputError("this account cannot sign typed data", { hint: "Use a local (private key) account." });
  return account.signTypedData({
    domain: domainOf(domain),
    types: epochRootTypes,
    primaryType: "EpochRoot",
    message: root,
  });
}

export async function recoverEpochRootSigner(domain: RewardsDomain, root: EpochRoot, signature: Hex): Promise<Hex> {
  return recoverTypedDataAddress({
    domain: domainOf(domain),
    types: epochRootTypes,
    primaryType: "EpochRoot",
    message: root,
    signature,
  });
}

/** Orders signatures by ascending signer address (what Rewards requires) and concatenates them. */
export function bundleRootSignatures(signed: { signer: Hex; signature: Hex }[]): Hex {
  const sorted = [...signed].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  for (let i = 1; i < sorted.length; i++) {
    if (BigInt(sorted[i - 1]?.signer ?? 0) === BigInt(sorted[i]?.signer ?? 0)) {
      throw new InvalidInputError("the same oracle signed twice", { details: { signer: sorted[i]?.signer } });
    }
  }
  return concatHex(sorted.map((s) => s.signature));
}
