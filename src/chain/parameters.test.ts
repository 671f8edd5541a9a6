// Governed parameters read as of a block: a change made after it does not reach back (so oracles that recompute an
// epoch later agree), and a parameter governance never set reads its documented fallback.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { encodeFunctionData, type Hex } from "viem";
import { startTestChain, type TestChain } from "../testing/index.ts";
import { parameterStoreAbi } from "./artifacts.generated.ts";
import { parameterKey, readNetworkParameters, readParameterOr } from "./parameters.ts";

let chain: TestChain;
before(async () => {
  chain = await startTestChain();
});
after(async () => {
  await chain?.stop();
});

test("parameters as of a block, before and after governance changes them", async () => {
  const client = chain.publicClient;
  const store = chain.deployment.contracts.parameters;
  const governance = await client.readContract({ address: store, abi: parameterStoreAbi, functionName: "governance" });
  // anvil lets the test act as the governance timelock, without a whole proposal and vote.
  const rpc = client.request as unknown as (args: { method: string; params: unknown[] }) => Promise<unknown>;
  await rpc({ method: "anvil_impersonateAccount", params: [governance] });
  await rpc({ method: "anvil_setBalance", params: [governance, "0xde0b6b3a7640000"] });
  const set = async (name: string, value: bigint) => {
    const data = encodeFunctionData({ abi: parameterStoreAbi, functionName: "set", args: [parameterKey(name), value] });
    const hash = (await rpc({ method: "eth_sendTransaction", params: [{ from: governance, to: store, data }] })) as Hex;
    assert.equal((await client.waitForTransactionReceipt({ hash })).status, "success");
  };

  const before = await client.getBlockNumber({ cacheTime: 0 }); // not a number cached from before the deployment
  const workBefore = (await readNetworkParameters(client, store)).workShareBps;
  assert.equal(await readParameterOr(client, store, "coverage.shareBps", 2000n), 2000n, "never set: the fallback");
  await set("coverage.shareBps", 500n);
  await set("oracle.workShareBps", workBefore + 1n);

  assert.equal(await readParameterOr(client, store, "coverage.shareBps", 2000n), 500n);
  assert.equal(await readParameterOr(client, store, "coverage.shareBps", 2000n, before), 2000n);
  assert.equal((await readNetworkParameters(client, store)).workShareBps, workBefore + 1n);
  assert.equal((await readNetworkParameters(client, store, before)).workShareBps, workBefore);
});
