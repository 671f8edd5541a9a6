// Test support: a small but complete economy on a real test chain, the same one the economics CLI tests use:
// two registered providers, a customer deposit, vouchers redeemed (with the escrow's split), two posted epochs
// (the second jails and slashes A), one claim and one unbonding. Indexer tests compare what they index with it.
import { type Hex, parseUnits } from "viem";
import {
  buildEarningsTree,
  escrowAbi,
  providerRegistryAbi,
  rewardsAbi,
  signVoucher,
  tokenAbi,
  writeContractAndWait,
} from "../chain/index.ts";
import { generateNodeKeySeed, type NodeKey, nodeKeyFromSeed } from "../protocol/index.ts";
import type { TestChain } from "./chain-fixture.ts";
import { registerTestProvider } from "./chain-fixture.ts";
import { postTestEpoch, type TestEpoch } from "./fake-oracle.ts";

const gwk = (v: string) => parseUnits(v, 18);

export interface EconomyScenario {
  nodeA: NodeKey;
  nodeB: NodeKey;
  ownerA: Hex;
  ownerB: Hex;
  customer: Hex;
  epochs: TestEpoch[];
}

export async function redeemTestVoucher(chain: TestChain, providerIndex: number, cumulative: bigint): Promise<void> {
  const voucher = {
    customer: chain.account(1).address,
    provider: chain.account(providerIndex).address,
    cumulativeAmount: cumulative,
  };
  const signature = await signVoucher(
    chain.account(1),
    { chainId: chain.deployment.chainId, escrow: chain.deployment.contracts.escrow },
    voucher,
  );
  await writeContractAndWait(chain.publicClient, chain.wallet(providerIndex), {
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "redeem",
    args: [voucher, signature],
  });
}

/** Providers and a customer deposit (no epoch yet). */
export async function setUpEconomy(chain: TestChain): Promise<Omit<EconomyScenario, "epochs">> {
  const nodeA = nodeKeyFromSeed(generateNodeKeySeed());
  const nodeB = nodeKeyFromSeed(generateNodeKeySeed());
  await registerTestProvider(chain, { ownerIndex: 2, nodeKey: nodeA });
  await registerTestProvider(chain, { ownerIndex: 3, nodeKey: nodeB, stake: "1500" });
  const { token, escrow } = chain.deployment.contracts;
  await writeContractAndWait(chain.publicClient, chain.wallet(1), {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, gwk("1000")],
  });
  await writeContractAndWait(chain.publicClient, chain.wallet(1), {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [gwk("1000")],
  });
  return {
    nodeA,
    nodeB,
    ownerA: chain.account(2).address.toLowerCase() as Hex,
    ownerB: chain.account(3).address.toLowerCase() as Hex,
    customer: chain.account(1).address.toLowerCase() as Hex,
  };
}

/** The whole scenario: two epochs, a claim by B, and B unbonding part of its stake. */
export async function runEconomyScenario(chain: TestChain): Promise<EconomyScenario> {
  const base = await setUpEconomy(chain);
  const { nodeA, nodeB, ownerA, ownerB } = base;
  await redeemTestVoucher(chain, 2, gwk("100"));
  const e0 = await postTestEpoch(chain, {
    epoch: 0,
    owners: [
      { owner: ownerA, revenue: gwk("100"), work: gwk("1000"), liveness: gwk("2000") },
      { owner: ownerB, revenue: 0n, work: 0n, liveness: gwk("2000") },
    ],
    nodes: [
      { nodeKey: nodeA.publicKey, owner: ownerA, jailed: false, slashed: 0n },
      { nodeKey: nodeB.publicKey, owner: ownerB, jailed: false, slashed: 0n },
    ],
  });
  await redeemTestVoucher(chain, 2, gwk("150"));
  await redeemTestVoucher(chain, 3, gwk("20"));
  const e1 = await postTestEpoch(chain, {
    epoch: 1,
    previous: e0,
    owners: [
      { owner: ownerA, revenue: gwk("50"), work: gwk("1000"), liveness: 0n },
      { owner: ownerB, revenue: gwk("20"), work: gwk("1000"), liveness: gwk("3000") },
    ],
    nodes: [
      { nodeKey: nodeA.publicKey, owner: ownerA, jailed: true, slashed: gwk("100") },
      { nodeKey: nodeB.publicKey, owner: ownerB, jailed: false, slashed: 0n },
    ],
  });
  // B claims everything it has earned so far, then moves 500 of its 1500 stake to unbonding.
  const leafIndex = e1.leaves.findIndex((l) => l.account.toLowerCase() === ownerB);
  const leaf = e1.leaves[leafIndex] as TestEpoch["leaves"][number];
  await writeContractAndWait(chain.publicClient, chain.wallet(3), {
    address: chain.deployment.contracts.rewards,
    abi: rewardsAbi,
    functionName: "claim",
    args: [leaf.account, leaf.cumulativeAmount, buildEarningsTree(e1.leaves).getProof(leafIndex)],
  });
  await writeContractAndWait(chain.publicClient, chain.wallet(3), {
    address: chain.deployment.contracts.registry,
    abi: providerRegistryAbi,
    functionName: "unbond",
    args: [nodeB.publicKey, gwk("500")],
  });
  return { ...base, epochs: [e0, e1] };
}
