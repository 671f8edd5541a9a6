// End to end through the real `gw` processes: init and stake a provider, run the daemon, SIGKILL it mid-life and
// check that nothing that matters was only in memory: finished results come from the journal, vouchers from disk.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import {
  escrowAbi,
  getRegisteredProvider,
  signVoucher,
  tokenAbi,
  writeContractAndWait,
  writeDeployment,
} from "../chain/index.ts";
import {
  type Envelope,
  jobResultBody,
  messageTypes,
  sha256Hex,
  signEnvelope,
  walletSigner,
} from "../protocol/index.ts";
import { loadFixture } from "../resources/compute/sandbox/fixtures/load-fixture.ts";
import { freePort, runGw, startGw, startTestChain, type TestChain, tempHome, waitUntil } from "../testing/index.ts";
import { providerPaths } from "./provider-config.ts";
import { startTestGateway, type TestGateway } from "./test-gateway.ts";

const home = tempHome("gw-provider-e2e-");
const env = { GW_HOME: home.path, GW_PASSWORD: "provider e2e" };
const ownerIndex = 4;
let chain: TestChain;
let gateway: TestGateway;
let controlPort: number;
let nodeKey: Hex;
let owner: Hex;
let daemon: Awaited<ReturnType<typeof startGw>> | undefined;

async function startDaemon() {
  daemon = await startGw(["provider", "start", "--json"], { env });
  const first = daemon.first as { status: string; nodeKey: string; control: string };
  assert.equal(first.status, "running", daemon.stderr());
  const hello = await gateway.nextHello(20_000);
  assert.equal(hello.from, nodeKey);
  return first;
}

async function killDaemon() {
  assert.ok(daemon);
  daemon.child.kill("SIGKILL");
  await daemon.exited;
  daemon = undefined;
}

const waitFor = <T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> => waitUntil(what, probe, { timeoutMs, intervalMs: 200 });

before(async () => {
  chain = await startTestChain();
  writeDeployment(home.path, chain.deployment);
  gateway = await startTestGateway({
    chainId: chain.deployment.chainId,
    registry: chain.deployment.contracts.registry,
  });
  controlPort = await freePort();
});

after(async () => {
  if (daemon && daemon.child.exitCode === null) daemon.child.kill("SIGKILL");
  await gateway?.close();
  await chain?.stop();
  home.remove();
});

test("init and stake through the CLI: the registry shows the node active and bound to its owner", async () => {
  const imported = await runGw(["account", "import", "--name", "owner", "--private-key-file", "-", "--json"], {
    env,
    input: `${chain.privateKey(ownerIndex)}\n`,
  });
  assert.equal(imported.code, 0, imported.stderr);
  owner = (imported.json as { address: Hex }).address.toLowerCase() as Hex;

  const args = ["provider", "init", "--gateway", gateway.url, "--capacity", "2", "--control-port", String(controlPort)];
  const init = await runGw([...args, "--redeem-min", "1000", "--json"], { env });
  assert.equal(init.code, 0, init.stderr);
  const created = init.json as { nodeKey: Hex; owner: string; capacity: number; gateways: string[] };
  nodeKey = created.nodeKey;
  assert.match(nodeKey, /^0x[0-9a-f]{64}$/);
  assert.equal(created.owner, owner);
  assert.deepEqual(created.gateways, [gateway.url]);

  const again = await runGw([...args, "--json"], { env });
  assert.equal(again.code, 3, "an existing node key is never overwritten");
  assert.match(again.stderr, /already exists/);

  const wrongPassword = await runGw(["provider", "stake", "--json"], { env: { ...env, GW_PASSWORD: "nope" } });
  assert.equal(wrongPassword.code, 2);

  const stake = await runGw(["provider", "stake", "--json"], { env });
  assert.equal(stake.code, 0, stake.stderr);
  const staked = stake.json as { action: string; stake: string; active: boolean };
  assert.deepEqual([staked.action, staked.stake, staked.active], ["register", "1000", true]);

  const registered = await getRegisteredProvider(chain.publicClient, {
    chainId: chain.deployment.chainId,
    registry: chain.deployment.contracts.registry,
    nodeKey,
  });
  assert.equal(registered?.active, true);
  assert.equal(registered?.owner.toLowerCase(), owner);
  assert.equal(registered?.bindingValid, true);

  const more = await runGw(["provider", "stake", "5", "--json"], { env });
  assert.equal(more.code, 0, more.stderr);
  assert.equal((more.json as { stake: string }).stake, "1005");

  const status = await runGw(["provider", "status", "--json"], { env });
  assert.equal(status.code, 0, status.stderr);
  const s = status.json as {
    chain: { registered: boolean; active: boolean; stake: string };
    daemon: { running?: boolean };
  };
  assert.deepEqual([s.chain.registered, s.chain.active, s.chain.stake], [true, true, "1005"]);
  assert.equal(s.daemon.running, false);
});

test("a finished (jobId, attempt) is answered from the journal after a SIGKILL and restart, not run again", async () => {
  await startDaemon();
  const echo = await loadFixture("echo");
  const stdin = new Uint8Array(randomBytes(5000));
  const jobId = randomBytes(16).toString("hex");
  const spec = {
    module: sha256Hex(echo),
    input: sha256Hex(stdin),
    args: [],
    limits: { memoryBytes: 1 << 20, wallMs: 5000, outputBytes: 1 << 20 },
  };
  const request = await signEnvelope(walletSigner(chain.account(6)), {
    type: messageTypes.jobRequest,
    to: gateway.key.publicKey,
    body: {
      jobId,
      resourceType: "compute",
      spec,
      blobs: {},
      replicas: 1,
      maxPrice: parseUnits("1", 18).toString(),
      timeoutMs: 10_000,
    },
  });
  const assign = {
    jobId,
    attempt: 0,
    request,
    blobs: { [spec.module]: Buffer.from(echo).toString("base64"), [spec.input]: Buffer.from(stdin).toString("base64") },
    deadline: Date.now() + 60_000,
  };
  const isReply = (e: Envelope) => (e.body as { receipt?: { jobId: string } }).receipt?.jobId === jobId;
  await gateway.send(messageTypes.jobAssign, assign);
  const first = await gateway.nextMessage(isReply);
  assert.equal(first?.type, messageTypes.jobResult);
  const firstBody = jobResultBody.parse(first?.body);
  assert.deepEqual(new Uint8Array(Buffer.from(firstBody.output, "base64")), stdin);
  // The provider journals a result in the tick it sends it, just after (job-runner.ts, JobReply.sent): killed in
  // between, it has delivered the result but not journaled it. Finished means journaled, so the kill waits for that.
  const journaled = join(providerPaths(home.path).journal, `${jobId}-0.json`);
  await waitFor("the result in the provider's journal", () => existsSync(journaled) || undefined);

  await killDaemon();
  await startDaemon();
  // The same attempt again (a fresh envelope, so it is not a replay): the journaled result, byte for byte.
  await gateway.send(messageTypes.jobAssign, { ...assign, blobs: {}, deadline: Date.now() + 60_000 });
  const second = await gateway.nextMessage(isReply);
  assert.equal(second?.type, messageTypes.jobResult);
  const secondBody = jobResultBody.parse(second?.body);
  assert.deepEqual(secondBody, firstBody, "same receipt (same startedAt/finishedAt and metering): not re-run");
  const metrics = await (await fetch(`http://127.0.0.1:${controlPort}/metrics`)).text();
  assert.match(metrics, /jobs_total\{resource="compute",status="journal"\} 1/);
  assert.doesNotMatch(metrics, /jobs_total\{resource="compute",status="ok"\}/, "nothing ran in this process");
});

test("a delivered voucher is persisted, survives kill -9, and is redeemed on chain in a batch", async () => {
  const { token, escrow } = chain.deployment.contracts;
  const customer = chain.account(6);
  const deposit = parseUnits("100", 18);
  await writeContractAndWait(chain.publicClient, chain.wallet(6), {
    address: token,
    abi: tokenAbi,
    functionName: "approve",
    args: [escrow, deposit],
  });
  await writeContractAndWait(chain.publicClient, chain.wallet(6), {
    address: escrow,
    abi: escrowAbi,
    functionName: "deposit",
    args: [deposit],
  });
  const domain = { chainId: chain.deployment.chainId, escrow };
  const sign = async (amount: bigint) => ({
    voucher: { customer: customer.address, provider: owner, cumulativeAmount: amount.toString() },
    signature: await signVoucher(customer, domain, {
      customer: customer.address,
      provider: owner,
      cumulativeAmount: amount,
    }),
  });
  const amount = parseUnits("10", 18);
  // An older, lower voucher and the latest: the book keeps the highest.
  await gateway.send(messageTypes.voucherDeliver, { vouchers: [await sign(parseUnits("3", 18)), await sign(amount)] });
  const path = providerPaths(home.path).vouchers;
  await waitFor("the voucher on disk", () => {
    try {
      const book = JSON.parse(readFileSync(path, "utf8")) as {
        vouchers: Record<string, { voucher: { cumulativeAmount: string } }>;
      };
      return book.vouchers[customer.address.toLowerCase()]?.voucher.cumulativeAmount === amount.toString()
        ? true
        : undefined;
    } catch {
      return undefined;
    }
  });
  await killDaemon();

  // Below the threshold (1000 GWK) nothing was redeemed; lower it and restart: the daemon redeems what it kept.
  const redeemedBefore = await chain.publicClient.readContract({
    address: escrow,
    abi: escrowAbi,
    functionName: "redeemed",
    args: [customer.address, owner],
  });
  assert.equal(redeemedBefore, 0n);
  const configPath = providerPaths(home.path).config;
  const config = JSON.parse(readFileSync(configPath, "utf8"));
  writeFileSync(configPath, JSON.stringify({ ...config, redeem: { ...config.redeem, minAmount: "5" } }));
  const balanceBefore = await chain.publicClient.readContract({
    address: token,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [owner],
  });
  await startDaemon();
  await waitFor("the redemption", async () => {
    const r = await chain.publicClient.readContract({
      address: escrow,
      abi: escrowAbi,
      functionName: "redeemed",
      args: [customer.address, owner],
    });
    return r === amount ? true : undefined;
  });
  const balanceAfter = await chain.publicClient.readContract({
    address: token,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [owner],
  });
  assert.equal(balanceAfter - balanceBefore, (amount * 8500n) / 10_000n, "85 % to the provider's owner");

  const status = await waitFor("lastRedeem in status", async () => {
    const s = await runGw(["provider", "status", "--json"], { env });
    const json = s.json as {
      daemon: {
        lastRedeem?: { amount: string };
        unredeemed: Record<string, string>;
        gateways: { connected: boolean }[];
      };
    };
    return json.daemon.lastRedeem ? json : undefined;
  });
  assert.equal(status.daemon.lastRedeem?.amount, amount.toString());
  assert.equal(status.daemon.gateways[0]?.connected, true);
  assert.equal(status.daemon.unredeemed[customer.address.toLowerCase()], "0");
  await killDaemon();
});

test("unbond moves stake into unbonding", async () => {
  const unbond = await runGw(["provider", "unbond", "5", "--json"], { env });
  assert.equal(unbond.code, 0, unbond.stderr);
  const json = unbond.json as { stake: string; unbonding: string; releaseTime: number };
  assert.deepEqual([json.stake, json.unbonding], ["1000", "5"]);
  assert.ok(json.releaseTime > Date.now() / 1000);
  const early = await runGw(["provider", "unbond", "--withdraw", "--json"], { env });
  assert.equal(early.code, 3, "still unbonding");
});
