// A transaction whose simulation passed but which reverted once mined is reported with why: the call replayed on the
// state its block started from names the contract's error, or passes when the race happened inside the block.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import { startTestChain, type TestChain } from "../testing/index.ts";
import { escrowAbi, tokenAbi } from "./artifacts.generated.ts";
import { signVoucher } from "./voucher.ts";
import { ContractRevertedError, writeContractAndWait } from "./write-contract.ts";

let chain: TestChain;
let rpc: (args: { method: string; params: unknown[] }) => Promise<unknown>;
before(async () => {
  chain = await startTestChain();
  rpc = chain.publicClient.request as unknown as typeof rpc;
});
after(async () => {
  await chain?.stop();
});

/** The customer (account 1) tops its escrow deposit up by `amount`. */
async function deposit(amount: bigint): Promise<void> {
  const { token, escrow } = chain.deployment.contracts;
  const customer = chain.wallet(1);
  await writeContractAndWait(chain.publicClient, customer, {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, amount],
  });
  await writeContractAndWait(chain.publicClient, customer, {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [amount],
  });
}

/** Provider `index` redeems a voucher for `cumulative` from the customer; the promise settles once it is mined. */
async function redeem(index: number, cumulative: bigint) {
  const voucher = {
    customer: chain.account(1).address,
    provider: chain.account(index).address,
    cumulativeAmount: cumulative,
  };
  const domain = { chainId: chain.deployment.chainId, escrow: chain.deployment.contracts.escrow };
  const signature = await signVoucher(chain.account(1), domain, voucher);
  return writeContractAndWait(chain.publicClient, chain.wallet(index), {
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "redeem",
    args: [voucher, signature],
  });
}

const pendingCount = async () =>
  ((await rpc({ method: "eth_getBlockByNumber", params: ["pending", false] })) as { transactions: Hex[] }).transactions
    .length;

/** Mines empty blocks until `done` settles: a receipt waiter that missed the block its transaction is in sees the next. */
async function mineUntil(done: Promise<unknown>): Promise<void> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    await rpc({ method: "evm_mine", params: [] });
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts both redeems while nothing is mined, so both simulations see the full deposit; resolves once both are sent,
 * with their outcomes to come (wrapped: an async function's promise would wait for them). */
async function racingRedeems(amount: bigint, providers: [number, number]) {
  await rpc({ method: "evm_setAutomine", params: [false] });
  const first = redeem(providers[0], amount);
  const second = redeem(providers[1], amount);
  const settled = Promise.allSettled([first, second]);
  for (let i = 0; i < 200 && (await pendingCount()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(await pendingCount(), 2, "both redeems sent");
  return { settled };
}

test("two redeems draining one deposit in the same block: the loser's revert says the replay passes before it", async () => {
  const amount = parseUnits("10", 18);
  await deposit(amount);
  const { settled } = await racingRedeems(amount, [2, 3]);
  try {
    await rpc({ method: "evm_mine", params: [] });
  } finally {
    await rpc({ method: "evm_setAutomine", params: [true] });
  }
  await mineUntil(settled);
  const results = await settled;
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, "one redeem lands");
  const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.ok(lost.reason instanceof ContractRevertedError, String(lost.reason));
  assert.equal(lost.reason.message, "redeem reverted on chain");
  const details = lost.reason.details as Record<string, string>;
  assert.equal(details.replay, "passes on the state before its block");
  assert.match(details.hash as string, /^0x[0-9a-f]{64}$/);
  assert.ok(BigInt(details.gasUsed as string) < BigInt(details.gasLimit as string), "not out of gas");
});

test("a redeem mined a block after the one that drained the deposit: its revert names the contract's error", async () => {
  const amount = parseUnits("10", 18);
  await deposit(amount);
  const { settled } = await racingRedeems(amount, [4, 5]); // providers that have redeemed nothing yet
  // One redeem per block: the block's gas limit fits one of them and not two.
  const block = (await rpc({ method: "eth_getBlockByNumber", params: ["latest", false] })) as { gasLimit: Hex };
  try {
    await rpc({ method: "evm_setBlockGasLimit", params: ["0x30000"] });
    await rpc({ method: "evm_mine", params: [] });
    await rpc({ method: "evm_mine", params: [] });
  } finally {
    await rpc({ method: "evm_setBlockGasLimit", params: [block.gasLimit] });
    await rpc({ method: "evm_setAutomine", params: [true] });
  }
  await mineUntil(settled);
  const results = await settled;
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, "one redeem lands");
  const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
  assert.ok(lost.reason instanceof ContractRevertedError, String(lost.reason));
  assert.equal(lost.reason.message, "redeem reverted on chain: EscrowInsufficientDeposit");
  const details = lost.reason.details as Record<string, unknown>;
  assert.equal(details.error, "EscrowInsufficientDeposit");
  assert.deepEqual(details.args, [chain.account(1).address]);
});
