// runJob against a fake gateway (real sockets) on a real test chain: real node keys registered on chain, real
// vouchers redeemed on chain. Faults are injected at the gateway edge; the SDK's verification is the real one.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import type { Hex } from "viem";
import { escrowAbi, recoverVoucherSigner, tokenAbi, writeContractAndWait } from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";
import {
  type Envelope,
  generateNodeKeySeed,
  type JobRequestBody,
  type NodeKey,
  nodeKeyFromSeed,
  sha256Hex,
} from "../protocol/index.ts";
import { defaultComputeLimits } from "../resources/compute/index.ts";
import {
  type FakeGateway,
  type FakeGatewayReply,
  fakeJobOutcome,
  registerTestProvider,
  signTestResult,
  startFakeGateway,
  startTestChain,
  type TestChain,
  tempHome,
} from "../testing/index.ts";
import {
  createGroundworkClient,
  createPaymentStore,
  type GroundworkClient,
  InsufficientDepositError,
  JobFailedError,
  runCompute,
  VerificationFailedError,
} from "./index.ts";

let chain: TestChain;
let gateway: FakeGateway;
let client: GroundworkClient;
const home = tempHome("gw-sdk-");
const keys: Record<"a" | "b" | "c" | "unregistered", NodeKey> = {
  a: nodeKeyFromSeed(generateNodeKeySeed()),
  b: nodeKeyFromSeed(generateNodeKeySeed()),
  c: nodeKeyFromSeed(generateNodeKeySeed()),
  unregistered: nodeKeyFromSeed(generateNodeKeySeed()),
};
const owners: Record<keyof typeof keys, number> = { a: 2, b: 3, c: 4, unregistered: 5 };
type Behaviour = (request: Envelope<JobRequestBody>, gatewayKey: Hex) => Promise<FakeGatewayReply>;
let behaviour: Behaviour;

const ownerOf = (name: keyof typeof keys) => chain.account(owners[name]).address;
const honest = (
  name: keyof typeof keys,
  request: Envelope<JobRequestBody>,
  gatewayKey: Hex,
  extra: Partial<Parameters<typeof signTestResult>[0]> = {},
) =>
  signTestResult({
    request,
    gatewayKey,
    nodeKey: keys[name],
    owner: ownerOf(name),
    output: Buffer.from("hello\n"),
    outcome: { exitCode: 0, stderr: Buffer.from("warn\n").toString("base64") },
    price: 1000n,
    ...extra,
  });

// Payment runs in the background by default; the tests look at the vouchers, so they wait for it.
const compute = async (c: GroundworkClient = client, replicas = 1, maxPrice = 5000n) => {
  const result = await runCompute(c, {
    module: randomBytes(64),
    input: Buffer.from("in"),
    args: ["job"],
    replicas,
    maxPrice,
    timeoutMs: 10_000,
  });
  await c.settlePayments();
  return result;
};

function newClient(storeDir: string): GroundworkClient {
  return createGroundworkClient({
    gatewayUrl: gateway.url,
    account: chain.account(1),
    deployment: chain.deployment,
    publicClient: chain.publicClient,
    paymentStore: createPaymentStore(storeDir),
  });
}

before(async () => {
  chain = await startTestChain();
  for (const name of ["a", "b", "c"] as const) {
    await registerTestProvider(chain, { ownerIndex: owners[name], nodeKey: keys[name] });
  }
  const customer = chain.wallet(1);
  const { token, escrow } = chain.deployment.contracts;
  const amount = 10n ** 21n;
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
  gateway = await startFakeGateway({
    chainId: chain.deployment.chainId,
    contracts: { escrow: chain.deployment.contracts.escrow },
    handleJob: (request, gatewayKey) => behaviour(request, gatewayKey),
  });
  client = newClient(`${home.path}/payments`);
});

after(async () => {
  await gateway?.close();
  await chain?.stop();
  home.remove();
});

const lastVouchers = () => gateway.voucherSubmissions.at(-1)?.body.vouchers ?? [];

test("a verified job pays exactly its price with a voucher the customer signed, cumulative across jobs", async () => {
  behaviour = async (request, gk) => fakeJobOutcome(request, { results: [await honest("a", request, gk)] });
  const first = await compute();
  assert.equal(Buffer.from(first.stdout).toString(), "hello\n");
  assert.equal(Buffer.from(first.stderr).toString(), "warn\n");
  assert.equal(first.exitCode, 0);
  assert.equal(first.verification, "single");
  assert.equal(first.cost, 1000n);
  assert.deepEqual(first.providers, [{ nodeKey: keys.a.publicKey, owner: ownerOf("a").toLowerCase(), price: 1000n }]);
  assert.equal((await first.payment).delivered, true);
  const [voucher] = lastVouchers();
  assert.ok(voucher);
  assert.equal(voucher.voucher.cumulativeAmount, "1000");
  assert.equal(voucher.voucher.provider, ownerOf("a").toLowerCase());
  const signer = await recoverVoucherSigner(
    { chainId: chain.deployment.chainId, escrow: chain.deployment.contracts.escrow },
    {
      customer: voucher.voucher.customer as Hex,
      provider: voucher.voucher.provider as Hex,
      cumulativeAmount: BigInt(voucher.voucher.cumulativeAmount),
    },
    voucher.signature as Hex,
  );
  assert.equal(signer, chain.account(1).address);

  const second = await compute();
  assert.equal(second.cost, 1000n);
  assert.equal(lastVouchers()[0]?.voucher.cumulativeAmount, "2000");
  assert.equal(gateway.voucherSubmissions.length, 2);
});

test("a provider's price above maxPrice is paid maxPrice", async () => {
  behaviour = async (request, gk) =>
    fakeJobOutcome(request, { results: [await honest("a", request, gk, { price: 9000n })] });
  const result = await compute(client, 1, 5000n);
  assert.equal(result.cost, 5000n);
  assert.equal(lastVouchers()[0]?.voucher.cumulativeAmount, "7000");
});

test("forged, mismatched or unregistered results are never paid", async () => {
  const faults: Record<string, Behaviour> = {
    "bad signature": async (request, gk) =>
      fakeJobOutcome(request, {
        results: [await honest("a", request, gk, { signer: nodeKeyFromSeed(generateNodeKeySeed()) })],
      }),
    "wrong outputHash": async (request, gk) =>
      fakeJobOutcome(request, { results: [await honest("a", request, gk, { sentOutput: Buffer.from("evil\n") })] }),
    "unregistered node key": async (request, gk) =>
      fakeJobOutcome(request, { results: [await honest("unregistered", request, gk)] }),
    "wrong specHash": async (request, gk) =>
      fakeJobOutcome(request, {
        results: [await honest("a", request, gk, { receipt: { specHash: `0x${"11".repeat(32)}` } })],
      }),
    "another owner": async (request, gk) =>
      fakeJobOutcome(request, { results: [await honest("a", request, gk, { owner: ownerOf("b") })] }),
  };
  const store = createPaymentStore(`${home.path}/payments`);
  const before = store.get(chain.account(1).address, ownerOf("a"));
  const submissions = gateway.voucherSubmissions.length;
  for (const [fault, make] of Object.entries(faults)) {
    behaviour = make;
    await assert.rejects(compute(), (error) => {
      assert.ok(error instanceof VerificationFailedError, `${fault}: ${error}`);
      assert.equal(error.rejected.length, 1, fault);
      return true;
    });
  }
  assert.equal(gateway.voucherSubmissions.length, submissions);
  assert.equal(store.get(chain.account(1).address, ownerOf("a")), before);

  // A forged result beside a genuine one: only the genuine one is paid.
  behaviour = async (request, gk) =>
    fakeJobOutcome(request, {
      results: [await honest("b", request, gk, { sentOutput: Buffer.from("evil\n") }), await honest("a", request, gk)],
    });
  const mixed = await compute();
  assert.deepEqual(
    mixed.providers.map((p) => p.nodeKey),
    [keys.a.publicKey],
  );
  assert.equal(mixed.rejected.length, 1);
});

test("K=2 with one dissenter pays the majority only and names the dissenter", async () => {
  // The gateway lists everything as agreeing: the SDK counts for itself.
  behaviour = async (request, gk) =>
    fakeJobOutcome(request, {
      results: [
        await honest("a", request, gk),
        await honest("c", request, gk, { output: Buffer.from("wrong\n") }),
        await honest("b", request, gk),
      ],
    });
  const result = await compute(client, 2);
  assert.equal(result.verification, "replicas");
  assert.deepEqual(result.providers.map((p) => p.nodeKey).sort(), [keys.a.publicKey, keys.b.publicKey].sort());
  assert.deepEqual(
    result.dissenters.map((d) => d.nodeKey),
    [keys.c.publicKey],
  );
  assert.equal(result.cost, 2000n);
  const paid = lastVouchers().map((v) => v.voucher.provider);
  assert.ok(!paid.includes(ownerOf("c").toLowerCase() as Hex));
  assert.equal(paid.length, 2);

  // Two replicas that disagree: no majority, nobody paid.
  const submissions = gateway.voucherSubmissions.length;
  behaviour = async (request, gk) =>
    fakeJobOutcome(request, {
      results: [await honest("a", request, gk), await honest("c", request, gk, { output: Buffer.from("wrong\n") })],
    });
  await assert.rejects(compute(client, 2), VerificationFailedError);
  // An audited single job whose audit disagrees is not paid either.
  behaviour = async (request, gk) =>
    fakeJobOutcome(request, {
      audited: true,
      results: [await honest("a", request, gk)],
      dissent: [await honest("c", request, gk, { output: Buffer.from("wrong\n") })],
    });
  await assert.rejects(compute(client, 1), VerificationFailedError);
  assert.equal(gateway.voucherSubmissions.length, submissions);
});

test("the provider owner redeems the latest voucher on chain for exactly what was promised", async () => {
  const latest = [...gateway.voucherSubmissions]
    .reverse()
    .flatMap((s) => s.body.vouchers)
    .find((v) => v.voucher.provider === ownerOf("a").toLowerCase());
  assert.ok(latest);
  const customer = chain.account(1).address;
  const owner = ownerOf("a");
  const { escrow, token } = chain.deployment.contracts;
  const read = (fn: "redeemed") =>
    chain.publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: fn, args: [customer, owner] });
  const balance = () =>
    chain.publicClient.readContract({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [owner] });
  const before = await balance();
  assert.equal(await read("redeemed"), 0n);
  await writeContractAndWait(chain.publicClient, chain.wallet(owners.a), {
    address: escrow,
    abi: escrowAbi,
    functionName: "redeem",
    args: [
      {
        customer: latest.voucher.customer as Hex,
        provider: latest.voucher.provider as Hex,
        cumulativeAmount: BigInt(latest.voucher.cumulativeAmount),
      },
      latest.signature as Hex,
    ],
  });
  const paid = BigInt(latest.voucher.cumulativeAmount);
  assert.equal(await read("redeemed"), paid);
  const providerShare = paid - (paid * 500n) / 10_000n - (paid * 1000n) / 10_000n;
  assert.equal((await balance()) - before, providerShare);

  // A customer whose local channel file is gone starts from what escrow already redeemed, never below.
  behaviour = async (request, gk) => fakeJobOutcome(request, { results: [await honest("a", request, gk)] });
  const fresh = newClient(`${home.path}/payments-fresh`);
  await compute(fresh);
  assert.equal(lastVouchers()[0]?.voucher.cumulativeAmount, (paid + 1000n).toString());
});

test("a failed job and a refused deposit surface as typed errors", async () => {
  behaviour = async (request) => ({
    body: {
      jobId: request.body.jobId,
      status: "failed",
      results: [],
      dissent: [],
      attempts: [],
      reroutes: 2,
      audited: false,
      error: { name: "NoProviderError", message: "no provider could run it" },
    },
  });
  await assert.rejects(compute(), (error) => {
    assert.ok(error instanceof JobFailedError);
    assert.equal(error.jobError?.name, "NoProviderError");
    return true;
  });
  behaviour = async () => ({ status: 402, body: { error: "InsufficientDeposit", message: "deposit 0 < 5000" } });
  await assert.rejects(compute(), InsufficientDepositError);
});

/** A gateway that answers an audited job at its first result and settles it when the test says so. */
function auditedEarly(first: (r: Envelope<JobRequestBody>, gk: Hex) => Promise<Envelope>, final: typeof behaviour) {
  let release: () => void = () => {};
  const hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  behaviour = async (request, gk) => ({
    preview: { ...(fakeJobOutcome(request, { audited: true, results: [await first(request, gk)] }).body as object) },
    hold,
    body: (await final(request, gk)).body,
  });
  return release;
}

/** One small job of replicas 1, the kind the gateway may audit. */
const auditedJob = (c: GroundworkClient, extra: { payment?: "await" } = {}) =>
  runCompute(c, {
    module: randomBytes(64),
    input: Buffer.from("in"),
    args: [],
    replicas: 1,
    maxPrice: 5000n,
    timeoutMs: 10_000,
    ...extra,
  });

/** The final outcome of an audit where both replicas agree. */
const bothAgree = async (request: Envelope<JobRequestBody>, gk: Hex) =>
  fakeJobOutcome(request, { audited: true, results: [await honest("a", request, gk), await honest("b", request, gk)] });

/** What vouchers submitted since submission `since` promise `name` beyond what it redeemed on chain already. */
async function paidSince(since: number, name: keyof typeof keys): Promise<bigint> {
  const owner = ownerOf(name);
  const voucher = gateway.voucherSubmissions
    .slice(since)
    .flatMap((s) => s.body.vouchers)
    .findLast((v) => v.voucher.provider === owner.toLowerCase());
  if (!voucher) return 0n;
  const redeemed = await chain.publicClient.readContract({
    address: chain.deployment.contracts.escrow,
    abi: escrowAbi,
    functionName: "redeemed",
    args: [chain.account(1).address, owner],
  });
  return BigInt(voucher.voucher.cumulativeAmount) - redeemed;
}

test("an audited job answers at its first result; nobody is paid until the audit agrees, then both replicas are", async () => {
  const release = auditedEarly((request, gk) => honest("a", request, gk), bothAgree);
  const fresh = newClient(`${home.path}/payments-audit-1`);
  const before = gateway.voucherSubmissions.length;
  const result = await auditedJob(fresh);
  // The output is here while the gateway still holds the audit: nothing has been paid yet.
  assert.equal(Buffer.from(result.stdout).toString(), "hello\n");
  assert.equal(result.audited, true);
  assert.ok(result.audit, "an early answer carries the audit's verdict to come");
  assert.equal(gateway.voucherSubmissions.length, before);
  release();
  const verdict = await result.audit;
  assert.equal(verdict.verification, "audit");
  assert.equal(verdict.overturned, false);
  assert.equal(verdict.cost, 2000n);
  await fresh.settlePayments();
  assert.equal((await result.payment).delivered, true);
  assert.equal(await paidSince(before, "a"), 1000n);
  assert.equal(await paidSince(before, "b"), 1000n);
});

test("an audit that overturns the early answer pays the majority only and hands over the majority's output", async () => {
  const release = auditedEarly(
    (request, gk) => honest("c", request, gk, { output: Buffer.from("wrong\n") }),
    async (request, gk) =>
      fakeJobOutcome(request, {
        audited: true,
        results: [await honest("a", request, gk), await honest("b", request, gk)],
        dissent: [await honest("c", request, gk, { output: Buffer.from("wrong\n") })],
      }),
  );
  const fresh = newClient(`${home.path}/payments-audit-2`);
  const before = gateway.voucherSubmissions.length;
  const result = await auditedJob(fresh);
  assert.equal(Buffer.from(result.stdout).toString(), "wrong\n");
  release();
  const verdict = await result.audit;
  assert.ok(verdict);
  assert.equal(verdict.overturned, true);
  assert.equal(Buffer.from(verdict.output ?? []).toString(), "hello\n");
  assert.deepEqual(
    verdict.dissenters.map((d) => d.nodeKey),
    [keys.c.publicKey],
  );
  await fresh.settlePayments();
  assert.equal(await paidSince(before, "a"), 1000n);
  assert.equal(await paidSince(before, "b"), 1000n);
  assert.equal(await paidSince(before, "c"), 0n, "the overturned provider is not paid");
});

test('an audit with no verdict pays nobody; payment "await" and unverifiable first results wait for the audit', async () => {
  let release = auditedEarly(
    (request, gk) => honest("a", request, gk),
    async (request, gk) =>
      fakeJobOutcome(request, {
        audited: true,
        results: [await honest("a", request, gk)],
        dissent: [await honest("c", request, gk, { output: Buffer.from("wrong\n") })],
      }),
  );
  const submissions = gateway.voucherSubmissions.length;

  const undecided = await auditedJob(client);
  release();
  const verdict = await undecided.audit;
  assert.equal(verdict?.verification, "failed");
  assert.match(verdict?.error ?? "", /no verifiable majority/);
  await client.settlePayments();
  assert.equal(gateway.voucherSubmissions.length, submissions);

  // The gateway goes away after the early answer: the verified first result stands alone and is paid, as when the
  // gateway cannot run the replica.
  let cut: (reason: Error) => void = () => {};
  const gone = new Promise<void>((_, reject) => {
    cut = reject;
  });
  gone.catch(() => {});
  behaviour = async (request, gk) => ({
    preview: fakeJobOutcome(request, { audited: true, results: [await honest("a", request, gk)] }).body,
    hold: gone,
    body: {},
  });
  const alone = newClient(`${home.path}/payments-audit-3`);
  const since = gateway.voucherSubmissions.length;
  const orphaned = await auditedJob(alone);
  cut(new Error("gateway down"));
  const standing = await orphaned.audit;
  assert.equal(standing?.verification, "single");
  assert.match(standing?.error ?? "", /never came/);
  await alone.settlePayments();
  assert.equal(await paidSince(since, "a"), 1000n);
  assert.equal(gateway.jobs.filter((j) => j.body.jobId === orphaned.jobId).length, 1, "the request was not sent twice");

  // A one-shot customer (the CLI) pays before it exits: it waits for the verdict and gets no early answer.
  release = auditedEarly((request, gk) => honest("a", request, gk), bothAgree);
  let settled = false;
  const awaited = auditedJob(client, { payment: "await" }).then((r) => {
    settled = true;
    return r;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(settled, false, 'payment "await" does not return before the audit');
  release();
  const paid = await awaited;
  assert.equal(paid.audit, undefined);
  assert.equal(paid.verification, "audit");

  // A first result that does not verify is no answer: the final outcome is waited for.
  release = auditedEarly((request, gk) => honest("unregistered", request, gk), bothAgree);
  const waited = auditedJob(client);
  setTimeout(release, 200);
  const result = await waited;
  assert.equal(result.audit, undefined);
  assert.equal(result.verification, "audit");
  await client.settlePayments();
});

test("blobs travel beside the signed request, once per gateway, and again when the gateway lost them", async () => {
  behaviour = async (request, gk) => fakeJobOutcome(request, { results: [await honest("a", request, gk)] });
  const module = randomBytes(64);
  const moduleHash = `0x${createHash("sha256").update(module).digest("hex")}`;
  const job = (input: string) =>
    runCompute(client, {
      module,
      input: Buffer.from(input),
      args: [],
      replicas: 1,
      maxPrice: 5000n,
      timeoutMs: 10_000,
    });
  await job("one");
  assert.deepEqual(gateway.jobs.at(-1)?.body.blobs, {}, "no blob inside the signature");
  assert.deepEqual(Object.keys(gateway.blobSubmissions.at(-1) ?? {}).sort(), [moduleHash, sha("one")].sort());
  assert.equal(gateway.blobSubmissions.at(-1)?.[moduleHash], Buffer.from(module).toString("base64"));
  await job("two");
  assert.deepEqual(Object.keys(gateway.blobSubmissions.at(-1) ?? {}), [sha("two")], "the module is named, not sent");

  // The gateway restarted and lost the module: it says which blobs are missing, and the SDK sends the request again,
  // freshly signed, with every blob.
  let refused = 0;
  behaviour = async (request, gk) => {
    if (refused++ === 0) {
      return {
        status: 400,
        body: {
          error: "MissingBlobsError",
          kind: "input",
          message: "the spec needs blobs that were not sent and this gateway does not have",
          details: { reason: "missing-blobs", missing: [moduleHash] },
        },
      };
    }
    return fakeJobOutcome(request, { results: [await honest("a", request, gk)] });
  };
  const submitted = gateway.jobs.length;
  const result = await job("three");
  assert.equal(Buffer.from(result.stdout).toString(), "hello\n");
  const [first, second] = gateway.jobs.slice(submitted);
  assert.equal(first?.body.jobId, second?.body.jobId);
  assert.notEqual(first?.nonce, second?.nonce);
  assert.deepEqual(Object.keys(gateway.blobSubmissions.at(-1) ?? {}).sort(), [moduleHash, sha("three")].sort());
  await client.settlePayments();
});

function sha(text: string): string {
  return `0x${createHash("sha256").update(text).digest("hex")}`;
}

test("a blob array already hashed under its key is refused under another key", async () => {
  behaviour = async (request, gk) => fakeJobOutcome(request, { results: [await honest("a", request, gk)] });
  const module = new Uint8Array(randomBytes(64));
  const input = Buffer.from("in");
  await runCompute(client, { module, input, args: ["job"], replicas: 1, maxPrice: 5000n, timeoutMs: 10_000 });
  const submitted = gateway.jobs.length;
  // The array already sent (its hash remembered), now under another blob's key.
  const otherHash = sha256Hex(new Uint8Array(randomBytes(64)));
  const spec = { module: otherHash, input: sha256Hex(input), args: [], limits: defaultComputeLimits };
  await assert.rejects(
    client.runJob({
      resourceType: "compute",
      spec,
      blobs: new Map([
        [otherHash, module],
        [sha256Hex(input), input],
      ]),
      replicas: 1,
      maxPrice: 5000n,
      timeoutMs: 10_000,
    }),
    (error) => error instanceof InvalidInputError && /does not hash to its key/.test(error.message),
  );
  assert.equal(gateway.jobs.length, submitted, "nothing was sent");
  await client.settlePayments();
});
