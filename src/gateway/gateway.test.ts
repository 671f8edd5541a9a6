import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type Hex, parseUnits } from "viem";
import { providerRegistryAbi, signVoucher, writeContractAndWait, writeDeployment } from "../chain/index.ts";
import {
  challengePongBody,
  createReplayGuard,
  createSessionSigner,
  generateNodeKeySeed,
  messageTypes,
  type NodeKey,
  nodeKeyFromSeed,
  nodeKeySigner,
  openEnvelope,
  signEnvelope,
  walletSigner,
} from "../protocol/index.ts";
import { loadFixture } from "../resources/compute/sandbox/fixtures/load-fixture.ts";
import { registerTestProvider, startGw, startTestChain, type TestChain, tempHome } from "../testing/index.ts";
import { createGateway, type Gateway } from "./gateway.ts";
import { computeJobBody, depositForTest, getJson, type Json, postJson, signJobRequest } from "./testing-customer.ts";
import { connectTestProvider, type TestProvider, type TestProviderOptions } from "./testing-provider.ts";

const customerIndex = 6;
const poorCustomerIndex = 5;
let chain: TestChain;
let gateway: Gateway;
let home: ReturnType<typeof tempHome>;
let echo: Uint8Array;

before(async () => {
  chain = await startTestChain();
  home = tempHome("gw-gateway-");
  echo = await loadFixture("echo");
  await depositForTest(chain, customerIndex, 10n ** 24n);
  gateway = await createGateway({
    deployment: chain.deployment,
    publicClient: chain.publicClient,
    nodeKey: nodeKeyFromSeed(generateNodeKeySeed()),
    storeDir: home.path,
    auditShareBps: 0,
    maxAttempts: 3,
    pingIntervalMs: 300,
    registryCheckIntervalMs: 300,
    challengeTimeoutMs: 500,
  });
});

after(async () => {
  await gateway?.close();
  await chain?.stop();
  home?.remove();
});

const newKey = (): NodeKey => nodeKeyFromSeed(generateNodeKeySeed());

async function registered(ownerIndex: number): Promise<NodeKey> {
  const key = newKey();
  await registerTestProvider(chain, { ownerIndex, nodeKey: key });
  return key;
}

function connect(key: NodeKey, ownerIndex: number, extra: Partial<TestProviderOptions> = {}): Promise<TestProvider> {
  return connectTestProvider({
    wsUrl: gateway.wsUrl,
    nodeKey: key,
    owner: chain.account(ownerIndex).address,
    ...extra,
  });
}

function assertRefused(p: TestProvider, code: string) {
  assert.equal(p.admission.admitted, false);
  if (p.admission.admitted) return;
  assert.equal(p.admission.code, 4401, p.admission.reason);
  assert.ok(p.admission.reason.startsWith(`${code}:`), p.admission.reason);
}

const connectedKeys = async () =>
  ((await getJson(`${gateway.url}/v1/providers`)).json.providers as Json[]).map((p) => p.nodeKey as string);

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jobsLog = () => {
  const path = join(home.path, "jobs.jsonl");
  return existsSync(path) ? readFileSync(path, "utf8") : "";
};

test("info and health", async () => {
  const info = await getJson(`${gateway.url}/v1/info`);
  assert.equal(info.status, 200);
  assert.equal(info.json.gateway, gateway.key);
  assert.equal(info.json.chainId, 31337);
  assert.equal(info.json.contracts.escrow, chain.deployment.contracts.escrow);
  assert.equal(info.json.auditShareBps, 0);
  assert.deepEqual(info.json.resourceTypes, ["compute", "render", "coverage"]);
  assert.deepEqual((await getJson(`${gateway.url}/healthz`)).json, { status: "ok" });
  assert.equal((await getJson(`${gateway.url}/v1/nothing`)).status, 404);
  assert.equal((await getJson(`${gateway.url}/v1/reports?kind=weird`)).status, 400);
});

test("a registered, bound, active provider is admitted and listed", async () => {
  const key = await registered(1);
  const p = await connect(key, 1, { capacity: 3 });
  try {
    assert.equal(p.admission.admitted, true);
    const listed = (await getJson(`${gateway.url}/v1/providers`)).json.providers as Json[];
    const entry = listed.find((x) => x.nodeKey === key.publicKey);
    assert.equal(entry.owner, chain.account(1).address.toLowerCase());
    assert.equal(entry.capacity, 3);
    assert.equal(entry.running, 0);
    assert.deepEqual(Object.keys(entry.offers), ["compute"]);
    assert.deepEqual(entry.reputation, { successes: 0, failures: 0, score: 0.5 });
  } finally {
    await p.close();
  }
});

test("admission refuses unregistered keys, wrong owners, bad bindings, unknown types, bad offers and bad hellos", async () => {
  assertRefused(await connect(newKey(), 1), "not-registered");

  const key = await registered(2);
  assertRefused(await connect(key, 3), "owner-mismatch");

  const victim = newKey();
  const squatter = newKey();
  await registerTestProvider(chain, { ownerIndex: 3, nodeKey: { publicKey: victim.publicKey, sign: squatter.sign } });
  assertRefused(await connect(victim, 3), "bad-binding");

  assertRefused(await connect(key, 2, { offers: { storage: {} } }), "unknown-type");
  assertRefused(await connect(key, 2, { offers: { compute: { pricePerJob: "x" } } }), "invalid-offer");
  assertRefused(await connect(key, 2, { offers: {} }), "no-offers");

  const forged = await connect(key, 2, { helloSigner: nodeKeySigner(newKey()) });
  assertRefused(forged, "bad-hello");
  assert.match((forged.admission as { reason: string }).reason, /bad-signature/);

  const wrongChallenge = await connect(key, 2, {
    helloBody: (body) => ({ ...body, challenge: `0x${"ab".repeat(32)}` }),
  });
  assertRefused(wrongChallenge, "challenge-mismatch");

  // A hello captured from an admitted session cannot be replayed on a new connection.
  const honest = await connect(key, 2);
  assert.equal(honest.admission.admitted, true);
  const replayed = await connect(key, 2, { replayHello: honest.hello });
  assertRefused(replayed, "bad-hello");
  assert.match((replayed.admission as { reason: string }).reason, /replayed/);
  await honest.close();
});

test("a provider that stops answering pings is dropped", async () => {
  const key = await registered(1);
  const p = await connect(key, 1, { autoPong: false });
  assert.equal(p.admission.admitted, true);
  assert.ok((await connectedKeys()).includes(key.publicKey));
  await until(async () => !(await connectedKeys()).includes(key.publicKey));
  await p.close();
});

test("a reconnecting provider replaces its previous session", async () => {
  const key = await registered(1);
  const first = await connect(key, 1);
  const second = await connect(key, 1);
  assert.equal(second.admission.admitted, true);
  const closed = await first.closed;
  assert.equal(closed.code, 4409);
  assert.deepEqual(
    (await connectedKeys()).filter((k) => k === key.publicKey),
    [key.publicKey],
  );
  await second.close();
});

test("the registry re-check drops a provider that unbonds its stake", async () => {
  const key = await registered(4);
  const p = await connect(key, 4);
  assert.equal(p.admission.admitted, true);
  await writeContractAndWait(chain.publicClient, chain.wallet(4), {
    address: chain.deployment.contracts.registry,
    abi: providerRegistryAbi,
    functionName: "unbond",
    args: [key.publicKey, parseUnits("1000", 18)],
  });
  const closed = await p.closed;
  assert.equal(closed.code, 4401);
  assert.match(closed.reason, /^inactive:/);
});

test("job requests: bad envelopes are refused with 400 and the reason, and leave no job behind", async () => {
  const key = await registered(1);
  const p = await connect(key, 1);
  try {
    const account = chain.account(customerIndex);
    const body = computeJobBody({ module: echo, input: Buffer.from("hi") });
    const valid = await signJobRequest(account, gateway.key, body);
    const session = createSessionSigner({ account, gateway: gateway.key });
    const elsewhere = createSessionSigner({ account, gateway: `0x${"11".repeat(32)}` });
    const mallory = createSessionSigner({ account: chain.account(customerIndex + 1), gateway: gateway.key });

    const cases: [string, unknown, string][] = [
      ["unsigned", { ...valid, sig: undefined }, "malformed"],
      ["mis-signed", { ...valid, body: { ...body, maxPrice: "999999999" } }, "bad-signature"],
      ["wrong recipient", await signJobRequest(account, `0x${"11".repeat(32)}`, body), "wrong-recipient"],
      ["stale", { ...valid, ts: valid.ts - 3_600_000 }, "stale"],
      [
        "signed by a node key",
        await signEnvelope(nodeKeySigner(newKey()), { type: "job.request", to: gateway.key, body }),
        "",
      ],
      ["bad body", await signJobRequest(account, gateway.key, { ...body, replicas: 0 }), "invalid-body"],
      [
        "session key bound to another gateway",
        await signEnvelope(
          { id: session.id, session: () => elsewhere.session(`0x${"11".repeat(32)}`) },
          { type: "job.request", to: gateway.key, body },
        ),
        "bad-signature",
      ],
      [
        "another wallet's session key",
        { ...(await signEnvelope(mallory, { type: "job.request", to: gateway.key, body })), from: session.id },
        "bad-signature",
      ],
    ];
    for (const [name, request, reason] of cases) {
      const { status, json } = await postJson(`${gateway.url}/v1/jobs`, request);
      assert.equal(status, 400, `${name}: ${JSON.stringify(json)}`);
      if (reason) assert.equal(json.details.reason, reason, name);
      assert.equal(json.kind, "input");
    }
    const notJson = await postJson(`${gateway.url}/v1/jobs`, "{not json");
    assert.equal(notJson.status, 400);
    assert.match(notJson.json.message, /not JSON/);
    assert.ok(!jobsLog().includes(body.jobId), "nothing recorded");

    // The same job id is still free: the customer signs again and it runs.
    const ok = await postJson(`${gateway.url}/v1/jobs`, valid);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.status, "ok");
    assert.ok(jobsLog().includes(body.jobId));

    const replay = await postJson(`${gateway.url}/v1/jobs`, valid);
    assert.equal(replay.status, 400);
    assert.equal(replay.json.details.reason, "replayed");

    const duplicate = await postJson(`${gateway.url}/v1/jobs`, await signJobRequest(account, gateway.key, body));
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.json.error, "DuplicateJobError");

    // Signed by the customer's session key instead: the gateway and the provider take it as the customer's.
    const sessionBody = computeJobBody({ module: echo, input: Buffer.from("hi") });
    const bySession = await signEnvelope(session, { type: "job.request", to: gateway.key, body: sessionBody });
    const ran = await postJson(`${gateway.url}/v1/jobs`, bySession);
    assert.equal(ran.status, 200, JSON.stringify(ran.json));
    assert.equal(ran.json.status, "ok");
    assert.equal(ran.json.results[0].body.receipt.customer, account.address.toLowerCase());
    const sessionReplay = await postJson(`${gateway.url}/v1/jobs`, bySession);
    assert.equal(sessionReplay.json.details.reason, "replayed");
  } finally {
    await p.close();
  }
});

test("a body larger than the gateway takes is refused with 413 before it is read, and leaves no job behind", async () => {
  const before = jobsLog();
  // Declares 65 MiB (the default limit is 64 MiB) and sends a few bytes: the answer comes without the rest.
  const answer = await new Promise<{ status: number; json: Json }>((resolve, reject) => {
    const req = httpRequest(`${gateway.url}/v1/jobs`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(65 * 1024 * 1024) },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.write('{"request":');
  });
  assert.equal(answer.status, 413);
  assert.equal(answer.json.error, "PayloadTooLargeError");
  assert.equal(answer.json.details.maxBytes, 64 * 1024 * 1024);
  assert.equal(jobsLog(), before);
});

test("job requests: invalid work, wrong blobs and an uncovered deposit are refused before dispatch", async () => {
  const key = await registered(1);
  const p = await connect(key, 1);
  try {
    const account = chain.account(customerIndex);
    const notWasm = computeJobBody({ module: Buffer.from("not a wasm module"), input: Buffer.from("") });
    const refused = await postJson(`${gateway.url}/v1/jobs`, await signJobRequest(account, gateway.key, notWasm));
    assert.equal(refused.status, 400);
    assert.equal(refused.json.kind, "input");
    assert.ok(refused.json.message.length > 0);

    const body = computeJobBody({ module: echo, input: Buffer.from("x") });
    const [moduleHash] = Object.keys(body.blobs);
    const badBlob = {
      ...body,
      blobs: { ...body.blobs, [moduleHash as string]: Buffer.from("other").toString("base64") },
    };
    const mismatch = await postJson(`${gateway.url}/v1/jobs`, await signJobRequest(account, gateway.key, badBlob));
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.json.message, /hash/);

    const missing = { ...body, blobs: {} };
    const lacking = await postJson(`${gateway.url}/v1/jobs`, await signJobRequest(account, gateway.key, missing));
    assert.equal(lacking.status, 400);
    assert.equal(lacking.json.error, "MissingBlobsError");
    assert.equal(lacking.json.details.reason, "missing-blobs");
    // The input was never sent (the module may be in the gateway's cache from earlier jobs).
    assert.ok(lacking.json.details.missing.includes(body.spec.input));

    const poor = await postJson(
      `${gateway.url}/v1/jobs`,
      await signJobRequest(chain.account(poorCustomerIndex), gateway.key, body),
    );
    assert.equal(poor.status, 402);
    assert.equal(poor.json.error, "InsufficientDepositError");
    assert.equal(poor.json.details.deposit, "0");
    assert.ok(!jobsLog().includes(body.jobId));
  } finally {
    await p.close();
  }
});

test("blobs beside the signed request: checked, kept, and named by hash alone in later requests", async () => {
  const key = await registered(1);
  const p = await connect(key, 1);
  try {
    const account = chain.account(customerIndex);
    const beside = (body: ReturnType<typeof computeJobBody>, blobs: Record<string, string>) =>
      signJobRequest(account, gateway.key, { ...body, blobs: {} }).then((request) => ({ request, blobs }));
    const first = computeJobBody({ module: echo, input: Buffer.from("first") });
    const [moduleHash, inputHash] = [first.spec.module, first.spec.input];
    const moduleBlob = first.blobs[moduleHash] as string;

    // A blob that does not hash to its name is refused, and is not kept.
    const wrong = await postJson(
      `${gateway.url}/v1/jobs`,
      await beside(first, {
        [moduleHash]: Buffer.from("other").toString("base64"),
        [inputHash]: first.blobs[inputHash] as string,
      }),
    );
    assert.equal(wrong.status, 400);
    assert.match(wrong.json.message, /hash/);
    const notKept = await postJson(
      `${gateway.url}/v1/jobs`,
      await beside(computeJobBody({ module: echo, input: Buffer.from("x") }), {}),
    );
    assert.equal(notKept.json.error, "MissingBlobsError");

    // Sent beside the request, the job runs; the provider got a request with no blobs inside its signature.
    const ok = await postJson(`${gateway.url}/v1/jobs`, await beside(first, first.blobs));
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.status, "ok");
    const assigned = p.assignments.at(-1) as unknown as {
      body: { request: { body: { blobs: object } }; blobs: Record<string, string> };
    };
    assert.deepEqual(assigned.body.request.body.blobs, {});
    assert.equal(assigned.body.blobs[moduleHash], moduleBlob);

    // A later job names the module by hash alone: the gateway has it (and knows the provider has it too).
    const second = computeJobBody({ module: echo, input: Buffer.from("second") });
    const again = await postJson(
      `${gateway.url}/v1/jobs`,
      await beside(second, { [second.spec.input]: second.blobs[second.spec.input] as string }),
    );
    assert.equal(again.status, 200, JSON.stringify(again.json));
    assert.equal(again.json.status, "ok");
    const reassigned = p.assignments.at(-1) as unknown as { body: { blobs: Record<string, string> } };
    assert.equal(reassigned.body.blobs[moduleHash], undefined, "the provider is not sent the module again");

    // The wrapper is checked like everything else: extra fields and non-base64 blobs are refused.
    const extra = await postJson(`${gateway.url}/v1/jobs`, { ...(await beside(second, {})), more: 1 });
    assert.equal(extra.status, 400);
    const garbage = await postJson(
      `${gateway.url}/v1/jobs`,
      await beside(computeJobBody({ module: echo, input: Buffer.from("g") }), { [inputHash]: "%%%" }),
    );
    assert.equal(garbage.status, 400);
  } finally {
    await p.close();
  }
});

test("vouchers: forwarded to a connected owner, queued for an absent one, forged ones refused", async () => {
  const customer = chain.account(customerIndex);
  const domain = { chainId: 31337, escrow: chain.deployment.contracts.escrow };
  const onlineKey = await registered(1);
  const offlineKey = await registered(2);
  const online = await connect(onlineKey, 1);
  try {
    const voucher = async (ownerIndex: number, amount: bigint, signer = customer) => {
      const v = { customer: customer.address, provider: chain.account(ownerIndex).address, cumulativeAmount: amount };
      return {
        voucher: { ...v, cumulativeAmount: amount.toString() },
        signature: await signVoucher(signer, domain, v),
      };
    };
    const submit = async (vouchers: unknown[], signer = customer) =>
      postJson(
        `${gateway.url}/v1/vouchers`,
        await signEnvelope(walletSigner(signer), { type: "voucher.submit", to: gateway.key, body: { vouchers } }),
      );

    const sent = await submit([await voucher(1, 500n), await voucher(2, 700n)]);
    assert.equal(sent.status, 200, JSON.stringify(sent.json));
    assert.deepEqual(sent.json, { delivered: 1, queued: 1 });
    await until(() => online.vouchers.length === 1);
    assert.equal(online.vouchers[0]?.voucher.cumulativeAmount, "500");

    // A later, higher voucher supersedes the queued one.
    assert.deepEqual((await submit([await voucher(2, 900n)])).json, { delivered: 0, queued: 1 });
    const queueFile = JSON.parse(readFileSync(join(home.path, "vouchers-queue.json"), "utf8"));
    assert.deepEqual(
      queueFile.queued.map((q: Json) => q.signed.voucher.cumulativeAmount),
      ["900"],
    );

    const forged = await submit([await voucher(1, 10n ** 20n, chain.account(poorCustomerIndex))]);
    assert.equal(forged.status, 400);
    assert.match(forged.json.message, /not signed by its customer/);
    const someoneElses = await submit([await voucher(1, 1n)], chain.account(poorCustomerIndex));
    assert.equal(someoneElses.status, 400);
    assert.match(someoneElses.json.message, /customer must be the sender/);

    const offline = await connect(offlineKey, 2);
    try {
      await until(() => offline.vouchers.length === 1);
      assert.equal(offline.vouchers[0]?.voucher.cumulativeAmount, "900");
      const after = JSON.parse(readFileSync(join(home.path, "vouchers-queue.json"), "utf8"));
      assert.deepEqual(after.queued, []);
    } finally {
      await offline.close();
    }
  } finally {
    await online.close();
  }
});

test("liveness challenges: an oracle gets the provider's signed pong; others are refused", async () => {
  const oracle = chain.account(7);
  const challenge = (signer: typeof oracle, nodeKey: string, nonce = `0x${randomBytes(32).toString("hex")}`) =>
    signEnvelope(walletSigner(signer), {
      type: messageTypes.challengeRequest,
      to: gateway.key,
      body: { nodeKey, nonce },
    });
  const key = await registered(1);
  const provider = await connect(key, 1);
  const silentKey = await registered(2);
  const silent = await connect(silentKey, 2, { answerChallenges: false });
  try {
    const nonce = `0x${randomBytes(32).toString("hex")}`;
    const answered = await postJson(`${gateway.url}/v1/challenges`, await challenge(oracle, key.publicKey, nonce));
    assert.equal(answered.status, 200, JSON.stringify(answered.json));
    const pong = await openEnvelope(answered.json, {
      type: messageTypes.challengePong,
      body: challengePongBody,
      guard: createReplayGuard({ windowMs: 60_000 }),
      recipient: oracle.address.toLowerCase() as Hex,
    });
    assert.equal(pong.from, key.publicKey);
    assert.deepEqual(pong.body, { nonce, oracle: oracle.address.toLowerCase() });

    const replayed = await challenge(oracle, key.publicKey);
    assert.equal((await postJson(`${gateway.url}/v1/challenges`, replayed)).status, 200);
    const again = await postJson(`${gateway.url}/v1/challenges`, replayed);
    assert.equal(again.status, 400);
    assert.equal(again.json.details.reason, "replayed");

    const notOracle = await postJson(`${gateway.url}/v1/challenges`, await challenge(chain.account(6), key.publicKey));
    assert.equal(notOracle.status, 403, JSON.stringify(notOracle.json));
    const unknown = await postJson(`${gateway.url}/v1/challenges`, await challenge(oracle, newKey().publicKey));
    assert.equal(unknown.status, 404, JSON.stringify(unknown.json));
    const timeout = await postJson(`${gateway.url}/v1/challenges`, await challenge(oracle, silentKey.publicKey));
    assert.equal(timeout.status, 504, JSON.stringify(timeout.json));
    const garbage = await postJson(`${gateway.url}/v1/challenges`, { hello: 1 });
    assert.equal(garbage.status, 400);
  } finally {
    await provider.close();
    await silent.close();
  }
});

test("gw gateway start creates an encrypted key, serves, and stops on SIGTERM", async () => {
  const cliHome = tempHome("gw-gateway-cli-");
  try {
    writeDeployment(cliHome.path, chain.deployment);
    const env = { GW_PASSWORD: "correct horse" };
    const args = ["gateway", "start", "--json", "--home", cliHome.path, "--port", "0", "--audit-share-bps", "500"];
    const run = await startGw(args, { env });
    const first = run.first as Json;
    assert.equal(first.status, "running");
    assert.match(first.key, /^0x[0-9a-f]{64}$/);
    assert.ok(first.wsUrl.endsWith("/v1/providers"));
    const info = await getJson(`${first.url}/v1/info`);
    assert.equal(info.json.gateway, first.key);
    assert.equal(info.json.auditShareBps, 500);
    const keyFile = JSON.parse(readFileSync(join(cliHome.path, "gateway", "node-key.json"), "utf8"));
    assert.equal(keyFile["x-groundwork"].kind, "node");
    run.child.kill("SIGTERM");
    assert.equal(await run.exited, 0);

    // The same key comes back on the next start.
    const again = await startGw(args, { env });
    assert.equal((again.first as Json).key, first.key);
    again.child.kill("SIGTERM");
    assert.equal(await again.exited, 0);
  } finally {
    cliHome.remove();
  }
});
