// A transaction whose simulation passed but which reverted once mined is reported with why: the call replayed on the
// state its block started from names the contract's error, runs out of gas, or passes when the race happened inside
// the block. And the gas a call is sent with leaves room for what changes between its estimate and its block.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Hex, parseGwei, parseUnits } from "viem";
import { startTestChain, type TestChain } from "../testing/index.ts";
import { escrowAbi, tokenAbi } from "./artifacts.generated.ts";
import type { ChainWallet } from "./clients.ts";
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

const amount = parseUnits("10", 18);
// Fixed gas and fees: nothing is estimated on a state that changed, and the competitor comes first in a shared block.
const gas = 300_000n;
const maxFeePerGas = parseGwei("100");

/** The customer (account 1) tops its escrow deposit up by `amount`. */
async function deposit(): Promise<void> {
  const { token, escrow } = chain.deployment.contracts;
  const customer = chain.wallet(1);
  const call = { address: token, abi: tokenAbi, functionName: "approve", args: [escrow, amount] } as const;
  await writeContractAndWait(chain.publicClient, customer, call);
  await writeContractAndWait(chain.publicClient, customer, {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [amount],
  });
}

/** The redeem call of a voucher from the customer to provider `index` for `cumulativeAmount` (default `amount`). */
async function redeemCall(index: number, cumulativeAmount = amount) {
  const voucher = {
    customer: chain.account(1).address,
    provider: chain.account(index).address,
    cumulativeAmount,
  };
  const domain = { chainId: chain.deployment.chainId, escrow: chain.deployment.contracts.escrow };
  const signature = await signVoucher(chain.account(1), domain, voucher);
  return {
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "redeem",
    args: [voucher, signature],
  } as const;
}

/** Provider `index` redeems through writeContractAndWait; `between` runs after its simulation, before its send. */
async function redeemWith(index: number, between: () => Promise<unknown>) {
  const wallet = chain.wallet(index);
  const racing = {
    ...wallet,
    writeContract: async (request: Parameters<ChainWallet["writeContract"]>[0]) => {
      await between();
      return wallet.writeContract({
        ...request,
        gas,
        maxFeePerGas,
        maxPriorityFeePerGas: parseGwei("1"),
      } as typeof request);
    },
  } as ChainWallet;
  return writeContractAndWait(chain.publicClient, racing, await redeemCall(index));
}

/** Provider `index` sends its redeem straight away, without waiting for it to be mined. */
async function sendRedeem(index: number): Promise<Hex> {
  return chain.wallet(index).writeContract({
    ...(await redeemCall(index)),
    gas,
    maxFeePerGas,
    maxPriorityFeePerGas: parseGwei("2"),
  });
}

test("a redeem mined a block after the one that drained the deposit: its revert names the contract's error", async () => {
  await deposit();
  const lost = await redeemWith(3, async () => {
    const hash = await sendRedeem(2); // mined at once: the deposit is gone before provider 3's redeem is sent
    assert.equal((await chain.publicClient.waitForTransactionReceipt({ hash })).status, "success");
  }).then(
    () => assert.fail("the second redeem should revert"),
    (error: unknown) => error,
  );
  assert.ok(lost instanceof ContractRevertedError, String(lost));
  assert.equal(lost.message, "redeem reverted on chain: EscrowInsufficientDeposit");
  const details = lost.details as Record<string, unknown>;
  assert.equal(details.error, "EscrowInsufficientDeposit");
  assert.deepEqual(details.args, [chain.account(1).address]);
  assert.match(String(details.hash), /^0x[0-9a-f]{64}$/);
});

test("two redeems draining one deposit in the same block: the loser's revert says the replay passes before it", async () => {
  await deposit();
  await rpc({ method: "evm_setAutomine", params: [false] });
  let lost: unknown;
  try {
    const outcome = redeemWith(5, () => sendRedeem(4)).then(
      () => assert.fail("the redeem that comes second in the block should revert"),
      (error: unknown) => error,
    );
    const pending = async () =>
      ((await rpc({ method: "eth_getBlockByNumber", params: ["pending", false] })) as { transactions: Hex[] })
        .transactions.length;
    for (let i = 0; i < 400 && (await pending()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(await pending(), 2, "both redeems are waiting to be mined");
    await rpc({ method: "evm_mine", params: [] });
    // Empty blocks until the outcome is in: a receipt waiter that missed the block its transaction is in sees the next.
    let settled = false;
    void outcome.finally(() => {
      settled = true;
    });
    while (!settled) {
      await new Promise((r) => setTimeout(r, 100));
      await rpc({ method: "evm_mine", params: [] });
    }
    lost = await outcome;
  } finally {
    await rpc({ method: "evm_setAutomine", params: [true] });
  }
  assert.ok(lost instanceof ContractRevertedError, String(lost));
  assert.equal(lost.message, "redeem reverted on chain");
  const details = lost.details as Record<string, string>;
  assert.equal(details.replay, "passes on the state before its block");
  assert.ok(BigInt(details.gasUsed as string) < BigInt(details.gasLimit as string), "not out of gas");
});

/**
 * Provider `first` redeems half of a fresh deposit in a block at a second of our choosing; its burn share writes the
 * token's total-supply checkpoint for that second, which is returned. Then provider `second` redeems the other half
 * through a wallet whose writeContract has it mined ten seconds later: estimated in that second, its own burn updates
 * the checkpoint in place; mined in a later one, it writes a new one. `bareEstimate`: sent with the estimate made on
 * that second's block as its gas limit, no room above it (otherwise writeContractAndWait's own gas is sent).
 */
async function redeemAcrossSeconds(first: number, second: number, options: { bareEstimate?: boolean } = {}) {
  await deposit();
  const latest = async () => (await chain.publicClient.getBlock()).timestamp;
  const at = (await latest()) + 100n;
  await rpc({ method: "evm_setNextBlockTimestamp", params: [`0x${at.toString(16)}`] });
  await writeContractAndWait(chain.publicClient, chain.wallet(first), await redeemCall(first, amount / 2n));
  const checkpointed = await chain.publicClient.getBlock();
  assert.equal(checkpointed.timestamp, at);
  const call = await redeemCall(second, amount / 2n);
  // Estimated on the block of second `at` itself, so it is what a node estimates within that second, however long
  // this test took to get here.
  const estimate = await chain.publicClient.estimateContractGas({
    ...call,
    account: chain.account(second),
    blockNumber: checkpointed.number,
  });
  const wallet = chain.wallet(second);
  const sent: { gas?: bigint } = {};
  const late = {
    ...wallet,
    writeContract: async (request: Parameters<ChainWallet["writeContract"]>[0]) => {
      const gas = options.bareEstimate ? estimate : (request as { gas?: bigint }).gas;
      sent.gas = gas;
      await rpc({ method: "evm_setNextBlockTimestamp", params: [`0x${(at + 10n).toString(16)}`] });
      return wallet.writeContract({ ...request, gas } as typeof request);
    },
  } as ChainWallet;
  const outcome = await writeContractAndWait(chain.publicClient, late, call).then(
    (receipt) => ({ receipt }),
    (error: unknown) => ({ error }),
  );
  return { at, estimate, sent, outcome, minedAt: await latest() };
}

test("a redeem estimated in the second its block's burn was checkpointed and mined seconds later has the gas it needs", async () => {
  const { at, estimate, sent, outcome, minedAt } = await redeemAcrossSeconds(6, 7);
  assert.ok("receipt" in outcome, String((outcome as { error?: unknown }).error));
  assert.equal(outcome.receipt.status, "success");
  assert.equal(minedAt, at + 10n);
  assert.ok(sent.gas !== undefined && sent.gas > estimate, "sent with room above the estimate");
  const redeemed = await chain.publicClient.readContract({
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "redeemed",
    args: [chain.account(1).address, chain.account(7).address],
  });
  assert.equal(redeemed, amount / 2n);
});

test("the same redeem sent with its bare estimate runs out of gas once mined, and its error says so", async () => {
  const { estimate, outcome } = await redeemAcrossSeconds(8, 9, { bareEstimate: true });
  assert.ok("error" in outcome, "a redeem with no room above its estimate runs out of gas in the later second");
  const { error } = outcome;
  assert.ok(error instanceof ContractRevertedError, String(error));
  assert.equal(error.message, "redeem ran out of gas on chain");
  const details = error.details as Record<string, string>;
  assert.equal(details.gasLimit, estimate.toString());
  assert.equal(details.replay, "fails at its gas limit and passes without one");
  assert.match(error.hint ?? "", /estimates afresh/);
  const redeemed = await chain.publicClient.readContract({
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "redeemed",
    args: [chain.account(1).address, chain.account(9).address],
  });
  assert.equal(redeemed, 0n, "nothing was redeemed");
});
