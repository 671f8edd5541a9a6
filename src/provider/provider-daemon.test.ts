// The daemon against a real anvil with the contracts deployed and an in-test gateway on a real WebSocket: hello,
// jobs run byte-exact with verifiable receipts, reconnects, hostile job.assign frames, vouchers, fault injection.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import { escrowAbi, getRegisteredProvider, signVoucher, tokenAbi, writeContractAndWait } from "../chain/index.ts";
import {
  canonicalJson,
  challengePongBody,
  createReplayGuard,
  type Envelope,
  generateNodeKeySeed,
  jobResultBody,
  messageTypes,
  type NodeKey,
  nodeKeyFromSeed,
  openEnvelope,
  signEnvelope,
  walletSigner,
} from "../protocol/index.ts";
import { computeResource } from "../resources/compute/index.ts";
import { loadFixture } from "../resources/compute/sandbox/fixtures/load-fixture.ts";
import { registerTestProvider, startTestChain, type TestChain, tempHome, waitUntil } from "../testing/index.ts";
import { silentLogger } from "./logger.ts";
import { providerConfigSchema } from "./provider-config.ts";
import { createProviderDaemon, type ProviderDaemon } from "./provider-daemon.ts";
import { startTestGateway, type TestGateway } from "./test-gateway.ts";

const sha = (b: Uint8Array) => `0x${createHash("sha256").update(b).digest("hex")}` as Hex;
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");
const limits = { memoryBytes: 1 << 20, wallMs: 5000, outputBytes: 1 << 20 };
const offer = {
  pricePerJob: parseUnits("0.01", 18).toString(),
  pricePerSecond: parseUnits("0.001", 18).toString(),
  maxMemoryBytes: 64 << 20,
  maxWallMs: 60_000,
  maxOutputBytes: 16 << 20,
};

let chain: TestChain;
let echo: Uint8Array;
const homes: { remove(): void }[] = [];
const running: { daemon: ProviderDaemon; gateway: TestGateway }[] = [];

interface Node {
  key: NodeKey;
  daemon: ProviderDaemon;
  gateway: TestGateway;
  owner: Hex;
}

async function startNode(ownerIndex: number, extra: Record<string, unknown> = {}): Promise<Node> {
  const key = nodeKeyFromSeed(generateNodeKeySeed());
  await registerTestProvider(chain, { ownerIndex, nodeKey: key });
  const gateway = await startTestGateway({
    chainId: chain.deployment.chainId,
    registry: chain.deployment.contracts.registry,
  });
  const home = tempHome("gw-provider-");
  homes.push(home);
  const owner = chain.account(ownerIndex).address.toLowerCase() as Hex;
  const config = providerConfigSchema.parse({
    version: 1,
    owner,
    account: "owner",
    gateways: [gateway.url],
    capacity: 2,
    offers: { compute: offer },
    redeem: { minAmount: "1000000", intervalSeconds: 3600 },
    control: { host: "127.0.0.1", port: 0 },
    ...extra,
  });
  const daemon = createProviderDaemon({
    config,
    nodeKey: key,
    ownerWallet: chain.wallet(ownerIndex),
    deployment: chain.deployment,
    publicClient: chain.publicClient,
    home: home.path,
    log: silentLogger,
    link: { backoff: { initialMs: 50, maxMs: 500 } },
  });
  await daemon.start();
  running.push({ daemon, gateway });
  await gateway.nextHello();
  return { key, daemon, gateway, owner };
}

async function jobFor(gateway: TestGateway, stdin: Uint8Array, jobId = randomBytes(16).toString("hex")) {
  const spec = { module: sha(echo), input: sha(stdin), args: [], limits };
  const request = await signEnvelope(walletSigner(chain.account(6)), {
    type: messageTypes.jobRequest,
    to: gateway.key.publicKey,
    body: {
      jobId,
      resourceType: "compute",
      spec,
      blobs: { [sha(stdin)]: b64(stdin) },
      replicas: 1,
      maxPrice: parseUnits("1", 18).toString(),
      timeoutMs: 10_000,
    },
  });
  const assign = {
    jobId,
    attempt: 0,
    request,
    blobs: { [sha(echo)]: b64(echo) },
    deadline: Date.now() + 30_000,
  };
  return { jobId, spec, request, assign };
}

const forJob = (jobId: string) => (e: Envelope) =>
  (e.body as { jobId?: string; receipt?: { jobId: string } })?.jobId === jobId ||
  (e.body as { receipt?: { jobId: string } })?.receipt?.jobId === jobId;

function errorName(envelope: Envelope | undefined): string | undefined {
  return (envelope?.body as { error?: { name?: string } } | undefined)?.error?.name;
}

async function openResult(gateway: TestGateway, envelope: Envelope) {
  return openEnvelope(envelope, {
    type: messageTypes.jobResult,
    body: jobResultBody,
    guard: createReplayGuard({ windowMs: 60_000 }),
    recipient: gateway.key.publicKey,
  });
}

before(async () => {
  chain = await startTestChain();
  echo = await loadFixture("echo");
});

after(async () => {
  for (const { daemon, gateway } of running) {
    await daemon.stop();
    await gateway.close();
  }
  await chain?.stop();
  for (const home of homes) home.remove();
});

let honest: Node;

test("the daemon dials the gateway and answers its challenge with a valid hello", async () => {
  honest = await startNode(2);
  const hello = honest.gateway.hellos[0];
  assert.ok(hello);
  assert.equal(hello.from, honest.key.publicKey);
  assert.equal(hello.to, honest.gateway.key.publicKey);
  assert.equal(hello.body.owner, honest.owner);
  assert.equal(hello.body.capacity, 2);
  assert.deepEqual(Object.keys(hello.body.offers), ["compute"]);
  computeResource.offerSchema.parse(hello.body.offers.compute);
  const registered = await getRegisteredProvider(chain.publicClient, {
    chainId: chain.deployment.chainId,
    registry: chain.deployment.contracts.registry,
    nodeKey: honest.key.publicKey,
  });
  assert.equal(registered?.active, true);
  assert.equal(registered?.owner.toLowerCase(), honest.owner);
  const status = honest.daemon.status();
  assert.equal(status.gateways[0]?.connected, true);
});

test("runs the echo fixture byte-exact and returns a receipt whose signature and hashes verify", async () => {
  const { gateway } = honest;
  const stdin = new Uint8Array(randomBytes(70_000));
  const { jobId, spec, assign } = await jobFor(gateway, stdin);
  await gateway.send(messageTypes.jobAssign, assign);
  const reply = await gateway.nextMessage(forJob(jobId));
  assert.ok(reply, "a reply");
  assert.equal(reply.type, messageTypes.jobResult, JSON.stringify(reply.body));
  const result = await openResult(gateway, reply);
  assert.equal(result.from, honest.key.publicKey);
  const output = new Uint8Array(Buffer.from(result.body.output, "base64"));
  assert.deepEqual(output, stdin);
  const r = result.body.receipt;
  assert.equal(r.jobId, jobId);
  assert.equal(r.attempt, 0);
  assert.equal(r.customer, chain.account(6).address.toLowerCase());
  assert.equal(r.gateway, gateway.key.publicKey);
  assert.equal(r.provider, honest.key.publicKey);
  assert.equal(r.owner, honest.owner);
  assert.equal(r.resourceType, "compute");
  assert.equal(r.specHash, sha(Buffer.from(canonicalJson(spec))));
  assert.equal(r.outputHash, sha(output));
  assert.equal(
    r.resultDigest,
    computeResource.resultDigest({ output, outcome: result.body.outcome, metering: r.metering }),
  );
  assert.equal(r.deterministic, true);
  assert.equal(result.body.outcome.exitCode, 0);
  assert.ok(BigInt(r.price) <= computeResource.quote(offer, spec));
  assert.ok(BigInt(r.price) >= BigInt(offer.pricePerJob));
  assert.ok(r.finishedAt >= r.startedAt);
  // The module is cached now: the next hello would list it.
  assert.equal(honest.daemon.status().completed, 1);
});

test("hostile job.assign frames are ignored or refused, and the daemon keeps serving", async () => {
  const { gateway } = honest;
  const stranger = nodeKeyFromSeed(generateNodeKeySeed());

  // Unsigned: no answer.
  const unsigned = await jobFor(gateway, Uint8Array.of(1));
  const signed = await signEnvelope(
    { id: gateway.key.publicKey, sign: async (p) => gateway.key.sign(p) },
    { type: messageTypes.jobAssign, to: honest.key.publicKey, body: unsigned.assign },
  );
  const { sig: _sig, ...withoutSig } = signed;
  gateway.sendRaw(withoutSig);
  // Signed by another key (claiming to be the gateway, and as itself).
  gateway.sendRaw({
    ...signed,
    sig: (
      await signEnvelope(
        { id: gateway.key.publicKey, sign: async (p) => stranger.sign(p) },
        { type: messageTypes.jobAssign, to: honest.key.publicKey, body: unsigned.assign },
      )
    ).sig,
  });
  await gateway.send(messageTypes.jobAssign, unsigned.assign, { key: stranger });
  // Addressed to someone else.
  await gateway.send(messageTypes.jobAssign, unsigned.assign, { to: stranger.publicKey });
  // Not JSON at all / not an envelope.
  gateway.sendRaw("garbage");
  gateway.sendRaw({ type: "job.assign" });
  assert.equal(await gateway.nextMessage(forJob(unsigned.jobId), 1500), undefined, "no reply to any of those");

  // Replayed: the first copy runs, the second is dropped.
  const once = await jobFor(gateway, Uint8Array.of(2, 3));
  const envelope = await gateway.send(messageTypes.jobAssign, once.assign);
  const first = await gateway.nextMessage(forJob(once.jobId));
  assert.equal(first?.type, messageTypes.jobResult);
  gateway.sendRaw(envelope);
  assert.equal(await gateway.nextMessage(forJob(once.jobId), 1000), undefined, "a replay gets no second answer");

  // Signed by the gateway but malformed: refused with job.failed.
  const malformed = await jobFor(gateway, Uint8Array.of(4));
  await gateway.send(messageTypes.jobAssign, { ...malformed.assign, deadline: "soon" });
  const bad = await gateway.nextMessage(forJob(malformed.jobId));
  assert.equal(bad?.type, messageTypes.jobFailed);
  assert.equal(errorName(bad), "invalid-assign");

  // A forged customer signature: the request body was changed after the customer signed it.
  const forged = await jobFor(gateway, Uint8Array.of(5));
  const tampered = {
    ...forged.request,
    body: { ...(forged.request.body as object), maxPrice: "999999999999999999999" },
  };
  await gateway.send(messageTypes.jobAssign, { ...forged.assign, request: tampered });
  const refusedForgery = await gateway.nextMessage(forJob(forged.jobId));
  assert.equal(refusedForgery?.type, messageTypes.jobFailed);
  assert.equal(errorName(refusedForgery), "invalid-request");

  // A request for another job.
  const other = await jobFor(gateway, Uint8Array.of(6));
  const mismatched = await jobFor(gateway, Uint8Array.of(7));
  await gateway.send(messageTypes.jobAssign, { ...mismatched.assign, request: other.request });
  const wrongJob = await gateway.nextMessage(forJob(mismatched.jobId));
  assert.equal(errorName(wrongJob), "invalid-request");

  // A blob that does not hash to its name.
  const stdin = Uint8Array.of(8, 9);
  const blob = await jobFor(gateway, stdin);
  const request = await signEnvelope(walletSigner(chain.account(6)), {
    type: messageTypes.jobRequest,
    to: gateway.key.publicKey,
    body: { ...(blob.request.body as object), blobs: { [sha(stdin)]: b64(Uint8Array.of(9, 8)) } },
  });
  await gateway.send(messageTypes.jobAssign, { ...blob.assign, request });
  const mismatch = await gateway.nextMessage(forJob(blob.jobId));
  assert.equal(mismatch?.type, messageTypes.jobFailed);
  assert.equal(errorName(mismatch), "blob-mismatch");

  // Still serving.
  const good = await jobFor(gateway, Uint8Array.of(10, 11, 12));
  await gateway.send(messageTypes.jobAssign, good.assign);
  const ok = await gateway.nextMessage(forJob(good.jobId));
  assert.equal(ok?.type, messageTypes.jobResult);
  const opened = await openResult(gateway, ok as Envelope);
  assert.deepEqual([...Buffer.from(opened.body.output, "base64")], [10, 11, 12]);
});

test("over capacity, an attempt is refused as busy", async () => {
  const { gateway } = honest;
  const spin = await loadFixture("spin");
  const jobs = [];
  for (let i = 0; i < 3; i++) {
    const stdin = Uint8Array.of(i);
    const jobId = randomBytes(16).toString("hex");
    const spec = { module: sha(spin), input: sha(stdin), args: [], limits: { ...limits, wallMs: 1500 } };
    const request = await signEnvelope(walletSigner(chain.account(6)), {
      type: messageTypes.jobRequest,
      to: gateway.key.publicKey,
      body: {
        jobId,
        resourceType: "compute",
        spec,
        blobs: { [sha(stdin)]: b64(stdin), [sha(spin)]: b64(spin) },
        replicas: 1,
        maxPrice: parseUnits("1", 18).toString(),
        timeoutMs: 10_000,
      },
    });
    jobs.push({ jobId, assign: { jobId, attempt: 0, request, blobs: {}, deadline: Date.now() + 30_000 } });
  }
  for (const job of jobs) await gateway.send(messageTypes.jobAssign, job.assign);
  const third = await gateway.nextMessage(forJob(jobs[2]?.jobId ?? ""), 10_000);
  assert.equal(third?.type, messageTypes.jobFailed);
  assert.equal(errorName(third), "busy");
  // Full of work, it still answers an oracle's liveness challenge at once, signed by its node key.
  const oracle = chain.account(7).address.toLowerCase() as Hex;
  const nonce = `0x${randomBytes(32).toString("hex")}`;
  const sentAt = Date.now();
  await gateway.send(messageTypes.challengePing, { nonce, oracle, nodeKey: honest.key.publicKey });
  const pong = await gateway.nextMessage((e) => e.type === messageTypes.challengePong, 1000);
  assert.ok(pong, "a pong while busy");
  assert.ok(Date.now() - sentAt < 1000);
  const opened = await openEnvelope(pong, {
    type: messageTypes.challengePong,
    body: challengePongBody,
    guard: createReplayGuard({ windowMs: 60_000 }),
    recipient: oracle,
  });
  assert.equal(opened.from, honest.key.publicKey);
  assert.deepEqual(opened.body, { nonce, oracle });
  // A ping naming another node, or signed by another key than the gateway's, gets no answer.
  await gateway.send(messageTypes.challengePing, {
    nonce: `0x${randomBytes(32).toString("hex")}`,
    oracle,
    nodeKey: sha(echo),
  });
  await gateway.send(
    messageTypes.challengePing,
    { nonce: `0x${randomBytes(32).toString("hex")}`, oracle, nodeKey: honest.key.publicKey },
    { key: nodeKeyFromSeed(generateNodeKeySeed()) },
  );
  assert.equal(await gateway.nextMessage((e) => e.type === messageTypes.challengePong, 500), undefined);
  // The two that ran hit their time limit: a runtime error becomes job.failed with its name.
  for (const job of jobs.slice(0, 2)) {
    const reply = await gateway.nextMessage(forJob(job.jobId), 10_000);
    assert.equal(reply?.type, messageTypes.jobFailed);
    assert.equal(errorName(reply), "SandboxTimeoutError");
  }
});

test("reconnects after the gateway restarts, and serves again", async () => {
  const { gateway, daemon } = honest;
  await gateway.restart();
  const hello = await gateway.nextHello(10_000);
  assert.equal(hello.from, honest.key.publicKey);
  assert.ok(hello.body.cached.includes(sha(echo)), "the hello lists cached blobs");
  const job = await jobFor(gateway, Uint8Array.of(42));
  await gateway.send(messageTypes.jobAssign, { ...job.assign, blobs: {} });
  const reply = await gateway.nextMessage(forJob(job.jobId));
  assert.equal(reply?.type, messageTypes.jobResult, "the module came from the cache");
  assert.equal(daemon.status().gateways[0]?.connected, true);
  const metrics = await daemon.metrics.registry.metrics();
  assert.match(metrics, /gateways_connected 1/);
  assert.match(metrics, /jobs_total\{resource="compute",status="ok"\} \d+/);
});

test("vouchers: a valid one is kept and redeemed, a forged one is refused", async () => {
  const { gateway, daemon, owner } = honest;
  const customer = chain.account(6);
  const { token, escrow } = chain.deployment.contracts;
  const deposit = parseUnits("50", 18);
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
  const amount = parseUnits("4", 18);
  const voucher = { customer: customer.address, provider: owner, cumulativeAmount: amount };
  const good = {
    voucher: { ...voucher, cumulativeAmount: amount.toString() },
    signature: await signVoucher(customer, domain, voucher),
  };
  // Forged: claims to be the customer's but is signed by another wallet.
  const forged = {
    voucher: { ...voucher, cumulativeAmount: parseUnits("40", 18).toString() },
    signature: await signVoucher(chain.account(5), domain, { ...voucher, cumulativeAmount: parseUnits("40", 18) }),
  };
  await gateway.send(messageTypes.voucherDeliver, { vouchers: [forged, good] });
  const deadline = Date.now() + 5000;
  while (daemon.status().vouchers === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(daemon.status().vouchers, 1);
  const before = await chain.publicClient.readContract({
    address: token,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [owner],
  });
  const redeemed = await daemon.redeemNow();
  assert.equal(redeemed?.amount, amount.toString());
  const afterBalance = await chain.publicClient.readContract({
    address: token,
    abi: tokenAbi,
    functionName: "balanceOf",
    args: [owner],
  });
  assert.equal(afterBalance - before, (amount * 8500n) / 10_000n);
  const onChain = await chain.publicClient.readContract({
    address: escrow,
    abi: escrowAbi,
    functionName: "redeemed",
    args: [customer.address, owner],
  });
  assert.equal(onChain, amount);
  // Nothing left: a second run sends nothing.
  assert.equal(await daemon.redeemNow(), undefined);
  assert.equal(daemon.status().lastRedeem?.amount, amount.toString());
});

test("vouchers reaching the redeem threshold are redeemed by themselves, and not before", async () => {
  const { gateway, daemon, owner } = await startNode(4, { redeem: { minAmount: "2", intervalSeconds: 3600 } });
  const customer = chain.account(6); // its deposit was made by the test before
  const domain = { chainId: chain.deployment.chainId, escrow: chain.deployment.contracts.escrow };
  const redeemed = () =>
    chain.publicClient.readContract({
      address: chain.deployment.contracts.escrow,
      abi: escrowAbi,
      functionName: "redeemed",
      args: [customer.address, owner],
    });
  let kept = 0;
  const deliver = async (cumulative: bigint) => {
    const voucher = { customer: customer.address, provider: owner, cumulativeAmount: cumulative };
    const signature = await signVoucher(customer, domain, voucher);
    await gateway.send(messageTypes.voucherDeliver, {
      vouchers: [{ voucher: { ...voucher, cumulativeAmount: cumulative.toString() }, signature }],
    });
    kept++;
    const line = `vouchers_received_total{result="kept"} ${kept}`;
    await waitUntil(
      "the voucher is kept",
      async () => ((await daemon.metrics.registry.metrics()).includes(line) ? true : undefined),
      { timeoutMs: 5000 },
    );
  };
  await deliver(parseUnits("1.5", 18));
  await new Promise((resolve) => setTimeout(resolve, 500)); // past the check a kept voucher schedules
  assert.equal(await redeemed(), 0n, "1.5 is below the threshold of 2");
  await deliver(parseUnits("2.5", 18));
  await waitUntil(
    "the threshold redemption",
    async () => ((await redeemed()) === parseUnits("2.5", 18) ? true : undefined),
    { timeoutMs: 15_000 },
  );
  assert.equal(daemon.status().lastRedeem?.amount, parseUnits("2.5", 18).toString());
});

test("faults.corruptOutput = 1 returns a wrong output under a receipt that still verifies as signed", async () => {
  const cheat = await startNode(3, { faults: { corruptOutput: 1 } });
  const stdin = new Uint8Array(randomBytes(1000));
  const job = await jobFor(cheat.gateway, stdin);
  await cheat.gateway.send(messageTypes.jobAssign, job.assign);
  const reply = await cheat.gateway.nextMessage(forJob(job.jobId));
  assert.equal(reply?.type, messageTypes.jobResult);
  const result = await openResult(cheat.gateway, reply as Envelope);
  const output = new Uint8Array(Buffer.from(result.body.output, "base64"));
  assert.notDeepEqual(output, stdin, "the output is wrong");
  assert.equal(result.body.receipt.outputHash, sha(output), "and the receipt signs for exactly that output");
  const honestDigest = computeResource.resultDigest({ output: stdin, outcome: { exitCode: 0 }, metering: {} });
  assert.notEqual(result.body.receipt.resultDigest, honestDigest);
  assert.equal(result.from, cheat.key.publicKey);
});
