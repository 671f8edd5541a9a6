// The governance lifecycle with real `gw` processes on a real test chain, moving anvil's clock through the voting
// delay, the voting period and the timelock: delegate, propose Escrow.setShares, vote, queue, execute — and a
// proposal that does not pass, plus bad input that changes nothing.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createTestClient, http } from "viem";
import { escrowAbi, writeDeployment } from "../../chain/index.ts";
import { runGw, startTestChain, type TestChain, tempHome } from "../../testing/index.ts";
import { saveAccount } from "../../wallet/index.ts";

const home = tempHome("gw-gov-");
const env = { GW_HOME: home.path, GW_PASSWORD: "governance test", GW_ACCOUNT: "alice" };
let chain: TestChain;
// biome-ignore lint/suspicious/noExplicitAny: test assertions read JSON freely.
type Json = Record<string, any>;

const gw = (args: string[], extra: Record<string, string> = {}) =>
  runGw(args, { env: { ...env, ...extra }, timeoutMs: 240_000 });

async function travel(seconds: number): Promise<void> {
  const test = createTestClient({ mode: "anvil", transport: http(chain.anvil.rpcUrl) });
  await test.increaseTime({ seconds });
  await test.mine({ blocks: 1 });
}

const shares = () =>
  chain.publicClient.readContract({
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "shares",
  });
const proposalFiles = () => (existsSync(join(home.path, "proposals")) ? readdirSync(join(home.path, "proposals")) : []);

before(async () => {
  chain = await startTestChain();
  writeDeployment(home.path, chain.deployment);
  const cheap = { n: 1024, r: 8, p: 1 };
  saveAccount(home.path, { name: "alice", privateKey: chain.privateKey(1), password: env.GW_PASSWORD, cost: cheap });
  saveAccount(home.path, { name: "bob", privateKey: chain.privateKey(2), password: env.GW_PASSWORD, cost: cheap });
});

after(async () => {
  await chain?.stop();
  home.remove();
});

const propose = (args: string, description: string, extra: string[] = []) =>
  gw([
    "gov",
    "propose",
    "--target",
    "Escrow",
    "--call",
    "setShares(uint16,uint16,uint16)",
    "--args",
    args,
    "--description",
    description,
    ...extra,
    "--json",
  ]);

test("without delegated votes a proposal is refused; bad input is refused; nothing is stored", async () => {
  const [noVotes, badArgs, badTarget, badCall, noDescription] = await Promise.all([
    propose("8000,1000,1000", "too early"),
    propose("8000,1000", "two args"),
    gw(["gov", "propose", "--target", "Nowhere", "--call", "f()", "--description", "x"]),
    gw(["gov", "propose", "--target", "Escrow", "--call", "setShares(uint16", "--description", "x"]),
    gw(["gov", "propose", "--target", "Escrow", "--call", "setShares(uint16,uint16,uint16)", "--args", "1,2,3"]),
  ]);
  assert.equal(noVotes.code, 3, noVotes.stderr);
  assert.match(noVotes.stderr, /not enough voting power/);
  assert.match(noVotes.stderr, /gw gov delegate/);
  for (const run of [badArgs, badTarget, badCall, noDescription]) assert.equal(run.code, 2, run.stderr);
  assert.match(badArgs.stderr, /takes 3 argument/);
  assert.deepEqual(proposalFiles(), []);
});

test("delegate, propose Escrow.setShares, vote, queue, execute: the escrow's shares change", async () => {
  const delegated = await gw(["gov", "delegate", "--json"]);
  assert.equal(delegated.code, 0, delegated.stderr);
  assert.equal((delegated.json as Json).votes, "1000000");
  await travel(2);

  const proposed = await propose("8000,1000,1000", "Lower the provider share to 80 %");
  assert.equal(proposed.code, 0, proposed.stderr);
  const p = proposed.json as Json;
  assert.equal(p.call, "setShares(uint16,uint16,uint16)");
  assert.equal(p.targetName, "escrow");
  const id = p.id as string;
  assert.deepEqual(proposalFiles(), [`${id}.json`]);

  const dup = await propose("8000,1000,1000", "Lower the provider share to 80 %");
  assert.equal(dup.code, 3, dup.stderr);
  assert.match(dup.stderr, /already exists/);

  await travel(2);
  const [badSupport, badId] = await Promise.all([
    gw(["gov", "vote", id, "--support", "maybe"]),
    gw(["gov", "vote", "12x", "--support", "for"]),
  ]);
  assert.equal(badSupport.code, 2, badSupport.stderr);
  assert.equal(badId.code, 2, badId.stderr);

  const voted = await gw(["gov", "vote", id, "--support", "for", "--reason", "cheaper for customers", "--json"]);
  assert.equal(voted.code, 0, voted.stderr);
  assert.equal((voted.json as Json).weight, "1000000");
  assert.equal((voted.json as Json).votes.for, "1000000");
  assert.equal((voted.json as Json).quorum, "240000");

  const [twice, early, noPower] = await Promise.all([
    gw(["gov", "vote", id, "--support", "for"]),
    gw(["gov", "execute", id]),
    gw(["gov", "vote", id, "--support", "against"], { GW_ACCOUNT: "bob" }),
  ]);
  assert.equal(twice.code, 3, twice.stderr);
  assert.match(twice.stderr, /already voted/);
  assert.equal(early.code, 3, early.stderr);
  assert.match(early.stderr, /vote is still open/);
  assert.equal(noPower.code, 3, noPower.stderr);
  assert.match(noPower.stderr, /no voting power/);

  await travel(301);
  const status = await gw(["gov", "status", id, "--json"]);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((status.json as Json).state, "Succeeded");
  assert.equal((status.json as Json).description, "Lower the provider share to 80 %");
  assert.deepEqual((status.json as Json).actions, [
    { target: "escrow", signature: "setShares(uint16,uint16,uint16)", args: ["8000", "1000", "1000"] },
  ]);

  const queued = await gw(["gov", "execute", id, "--json"]);
  assert.equal(queued.code, 0, queued.stderr);
  assert.equal((queued.json as Json).action, "queued");
  assert.equal((queued.json as Json).state, "Queued");
  assert.ok((queued.json as Json).eta > 0);

  const notReady = await gw(["gov", "execute", id]);
  assert.equal(notReady.code, 3, notReady.stderr);
  assert.match(notReady.stderr, /queued but not ready/);
  assert.match(notReady.stderr, /eta: /);
  assert.deepEqual(await shares(), [8500, 500, 1000]);

  await travel(61);
  const executed = await gw(["gov", "execute", id, "--json"]);
  assert.equal(executed.code, 0, executed.stderr);
  assert.equal((executed.json as Json).action, "executed");
  assert.equal((executed.json as Json).state, "Executed");
  assert.deepEqual(await shares(), [8000, 1000, 1000]);

  const again = await gw(["gov", "execute", id]);
  assert.equal(again.code, 3, again.stderr);
  assert.match(again.stderr, /already been executed/);
});

test("a defeated proposal cannot be queued: a clear error, and nothing changes", async () => {
  const proposed = await propose("7000,2000,1000", "Raise the treasury share");
  assert.equal(proposed.code, 0, proposed.stderr);
  const id = (proposed.json as Json).id as string;
  await travel(2);
  const voted = await gw(["gov", "vote", id, "--support", "against", "--json"]);
  assert.equal(voted.code, 0, voted.stderr);
  await travel(301);
  const [status, execute, unknown] = await Promise.all([
    gw(["gov", "status", id]),
    gw(["gov", "execute", id]),
    gw(["gov", "status", "12345"]),
  ]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /Defeated/);
  assert.equal(execute.code, 3, execute.stderr);
  assert.match(execute.stderr, /did not pass/);
  assert.match(execute.stderr, /reason: quorum \(for \+ abstain\) not reached; not more for than against/);
  assert.equal(unknown.code, 3, unknown.stderr);
  assert.match(unknown.stderr, /no proposal 12345/);
  assert.deepEqual(await shares(), [8000, 1000, 1000]);
});
