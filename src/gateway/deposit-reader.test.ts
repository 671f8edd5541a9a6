// The deposit reader on a real chain with a clock the test moves: a fresh read is reused, a stale one answers at once
// while a new read goes out behind it, and one past the stale limit waits for the chain.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startTestChain, type TestChain, waitUntil } from "../testing/index.ts";
import { createDepositReader } from "./deposit-reader.ts";
import { depositForTest } from "./testing-customer.ts";

let chain: TestChain;
before(async () => {
  chain = await startTestChain();
});
after(async () => {
  await chain?.stop();
});

test("fresh reads are reused, stale ones answer while they refresh, older ones wait for the chain", async () => {
  const customer = chain.account(3).address;
  let clock = 1_000_000;
  const read = createDepositReader({
    publicClient: chain.publicClient,
    escrow: chain.deployment.contracts.escrow,
    maxAgeMs: 1000,
    staleMs: 30_000,
    now: () => clock,
  });
  assert.equal(await read(customer), 0n);
  await depositForTest(chain, 3, 5n);

  clock += 500; // fresh: the same read
  assert.equal(await read(customer), 0n);
  clock += 4_500; // stale: answers with the old value at once, and refreshes behind it
  assert.equal(await read(customer), 0n);
  await waitUntil("the refresh", async () => ((await read(customer)) === 5n ? true : undefined), {
    timeoutMs: 10_000,
    intervalMs: 20,
  });

  await depositForTest(chain, 3, 7n);
  clock += 60_000; // past the stale limit: waits for the chain
  assert.equal(await read(customer), 12n);
});
