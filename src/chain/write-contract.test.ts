// A transaction whose simulation passed but which reverted once mined is reported with why: the call replayed on the
// state its block started from names the contract's error, or passes when the race happened inside the block.
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

/** The redeem call of a voucher from the customer to provider `index` for `amount`. */
async function redeemCall(index: number) {
  const voucher = {
    customer: chain.account(1).address,
    provider: chain.account(index).address,
    cumulativeAmount: amount,
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
