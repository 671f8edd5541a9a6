import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createHttpTransport } from "../core/http-transport.ts";
import { generateNodeKeySeed, type NodeKey, nodeKeyFromSeed, verifyEnvelopeSignature } from "../protocol/index.ts";
import { loadFixture } from "../resources/compute/sandbox/fixtures/load-fixture.ts";
import { registerTestProvider, startTestChain, type TestChain, tempHome } from "../testing/index.ts";
import { createGateway, type Gateway } from "./gateway.ts";
import type { JobOutcome } from "./job-engine.ts";
import { computeJobBody, depositForTest, type Json, postJson, signJobRequest } from "./testing-customer.ts";
import {
  connectTestProvider,
  type TestProvider,
  type TestProviderBehavior,
  testComputeOffer,
} from "./testing-provider.ts";

const customerIndex = 6;
let chain: TestChain;
let gateway: Gateway;
let home: ReturnType<typeof tempHome>;
let echo: Uint8Array;
let nextRandom = 0.99;
let ownerCounter = 0;

before(async () => {
  chain = await startTestChain();
  home = tempHome("gw-engine-");
  echo = await loadFixture("echo");
  await depositForTest(chain, customerIndex, 10n ** 24n);
  gateway = await createGateway({
    deployment: chain.deployment,
    publicClient: chain.publicClient,
    nodeKey: nodeKeyFromSeed(generateNodeKeySeed()),
    storeDir: home.path,
    auditShareBps: 1000,
    maxAttempts: 3,
    pingIntervalMs: 1000,
    random: () => nextRandom,
  });
});

after(async () => {
  await gateway?.close();
  await chain?.stop();
  home?.remove();
});

/** Registers a fresh node key on chain and connects it as a simulated provider. */
async function provider(behavior: TestProviderBehavior, pricePerJob = "1000"): Promise<TestProvider> {
  const nodeKey: NodeKey = nodeKeyFromSeed(generateNodeKeySeed());
  const ownerIndex = (ownerCounter++ % 5) + 1;
  await registerTestProvider(chain, { ownerIndex, nodeKey });
  const p = await connectTestProvider({
    wsUrl: gateway.wsUrl,
    nodeKey,
    owner: chain.account(ownerIndex).address,
    behavior,
    offers: { compute: { ...testComputeOffer, pricePerJob } },
  });
  assert.equal(p.admission.admitted, true, JSON.stringify(p.admission));
  return p;
}

async function closeAll(providers: TestProvider[]) {
  await Promise.all(providers.map((p) => p.close()));
}

async function runEcho(
  input: Uint8Array,
  extra: Parameters<typeof computeJobBody>[0] extends infer P ? Partial<P> : never = {},
) {
  const body = computeJobBody({ module: echo, input, ...extra });
  const request = await signJobRequest(chain.account(customerIndex), gateway.key, body);
  const response = await postJson(`${gateway.url}/v1/jobs`, request);
  return { ...response, outcome: response.json as JobOutcome, jobId: body.jobId };
}

function outputOf(envelope: unknown): Buffer {
  return Buffer.from((envelope as { body: { output: string } }).body.output, "base64");
}

async function reports(kind: "fraud" | "failure") {
  const response = await fetch(`${gateway.url}/v1/reports?kind=${kind}&limit=1000`);
  return ((await response.json()) as { reports: { seq: number; report: Json }[] }).reports;
}

test("a job round-trips byte for byte, and a second job does not resend cached blobs", async () => {
  const p = await provider("honest");
  try {
    const input = randomBytes(200_000);
    const { status, outcome } = await runEcho(input);
    assert.equal(status, 200, JSON.stringify(outcome));
    assert.equal(outcome.status, "ok");
    assert.equal(outcome.verification, "single");
    assert.equal(outcome.audited, false);
    assert.equal(outcome.results.length, 1);
    assert.deepEqual(outputOf(outcome.results[0]), input);
    assert.deepEqual(
      outcome.attempts.map((a) => [a.provider, a.outcome]),
      [[p.nodeKey, "ok"]],
    );
    assert.equal(await verifyEnvelopeSignature(outcome.results[0] as never), true);

    const second = await runEcho(Buffer.from("again"));
    assert.equal(second.outcome.status, "ok");
    assert.deepEqual(outputOf(second.outcome.results[0]), Buffer.from("again"));
    const [first, next] = p.assignments;
    assert.ok(first && next);
    const moduleHash = (first.body as Json).request.body.spec.module as string;
    assert.ok(moduleHash in (first?.body.blobs ?? {}), "the first assignment carries the module");
    assert.ok(!Object.hasOwn((next?.body.blobs ?? {}) as object, moduleHash), "the second does not resend it");
  } finally {
    await closeAll([p]);
  }
});

test("a provider that disconnects mid-job is reported and its attempt rerouted", async () => {
  const dropper = await provider("disconnect", "1"); // cheapest: picked first
  const honest = await provider("honest");
  try {
    const { outcome, jobId } = await runEcho(Buffer.from("survive a crash"));
    assert.equal(outcome.status, "ok", JSON.stringify(outcome));
    assert.deepEqual(outputOf(outcome.results[0]), Buffer.from("survive a crash"));
    assert.equal(outcome.reroutes, 1);
    assert.deepEqual(
      outcome.attempts.map((a) => [a.provider, a.outcome]),
      [
        [dropper.nodeKey, "disconnected"],
        [honest.nodeKey, "ok"],
      ],
    );
    const failure = (await reports("failure")).find((r) => r.report.body.jobId === jobId);
    assert.equal(failure?.report.body.kind, "disconnected");
    assert.equal(failure?.report.body.provider, dropper.nodeKey);
    assert.equal(failure?.report.from, gateway.key);
    assert.equal(await verifyEnvelopeSignature(failure?.report), true);
  } finally {
    await closeAll([dropper, honest]);
  }
});

test("an attempt past its deadline is cancelled, reported and rerouted", async () => {
  const sleeper = await provider("hang", "1");
  const honest = await provider("honest");
  try {
    const { outcome, jobId } = await runEcho(Buffer.from("late"), { timeoutMs: 1500 });
    assert.equal(outcome.status, "ok", JSON.stringify(outcome));
    assert.deepEqual(
      outcome.attempts.map((a) => a.outcome),
      ["timeout", "ok"],
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(sleeper.cancels, [{ jobId, attempt: 0 }]);
    const failure = (await reports("failure")).find((r) => r.report.body.jobId === jobId);
    assert.equal(failure?.report.body.kind, "timeout");
  } finally {
    await closeAll([sleeper, honest]);
  }
});

test("K = 2 with a corrupting provider: a third breaks the tie and the corrupter is reported for fraud", async () => {
  const cheat = await provider("corrupt", "1");
  const honestA = await provider("honest", "2");
  const honestB = await provider("honest", "3");
  try {
    const input = Buffer.from("majority rules");
    const { outcome, jobId } = await runEcho(input, { replicas: 2 });
    assert.equal(outcome.status, "ok", JSON.stringify(outcome));
    assert.equal(outcome.verification, "majority");
    assert.equal(outcome.results.length, 2);
    for (const result of outcome.results) assert.deepEqual(outputOf(result), input);
    assert.equal(outcome.dissent.length, 1);
    assert.equal((outcome.dissent[0] as Json).from, cheat.nodeKey);
    assert.deepEqual(outcome.reported, [cheat.nodeKey]);
    assert.deepEqual(
      outcome.attempts.map((a) => [a.provider, a.outcome]),
      [
        [cheat.nodeKey, "dissent"],
        [honestA.nodeKey, "ok"],
        [honestB.nodeKey, "ok"],
      ],
    );
    const fraud = (await reports("fraud")).find((r) => r.report.body.jobId === jobId);
    assert.ok(fraud, "a fraud report is kept");
    assert.equal(await verifyEnvelopeSignature(fraud.report), true);
    assert.deepEqual(fraud.report.body.dissenters, [cheat.nodeKey]);
    assert.equal(fraud.report.body.majorityDigest, outcome.resultDigest);
    const evidenceFrom = fraud.report.body.evidence.map((e: Json) => e.from).sort();
    assert.deepEqual(evidenceFrom, [cheat.nodeKey, honestA.nodeKey, honestB.nodeKey].sort());
    for (const evidence of fraud.report.body.evidence) assert.equal(await verifyEnvelopeSignature(evidence), true);
    // Persisted: the line is in reports.jsonl.
    const lines = readFileSync(join(home.path, "reports.jsonl"), "utf8").trim().split("\n");
    assert.ok(lines.some((l) => l.includes(jobId) && l.includes("report.fraud")));
    // Reputation reflects it.
    const listed = (await (await fetch(`${gateway.url}/v1/providers`)).json()) as { providers: Json[] };
    const cheatEntry = listed.providers.find((p) => p.nodeKey === cheat.nodeKey);
    assert.equal(cheatEntry.reputation.failures, 1);
  } finally {
    await closeAll([cheat, honestA, honestB]);
  }
});

for (const behavior of ["bad-signature", "wrong-output-hash"] as const) {
  test(`an invalid result (${behavior}) is reported and rerouted`, async () => {
    const liar = await provider(behavior, "1");
    const honest = await provider("honest");
    try {
      const { outcome, jobId } = await runEcho(Buffer.from(behavior));
      assert.equal(outcome.status, "ok", JSON.stringify(outcome));
      assert.deepEqual(outputOf(outcome.results[0]), Buffer.from(behavior));
      assert.deepEqual(
        outcome.attempts.map((a) => [a.provider, a.outcome]),
        [
          [liar.nodeKey, "invalid-result"],
          [honest.nodeKey, "ok"],
        ],
      );
      const failure = (await reports("failure")).find((r) => r.report.body.jobId === jobId);
      assert.equal(failure?.report.body.kind, "invalid-result");
      assert.match(failure?.report.body.detail, behavior === "bad-signature" ? /bad-signature/ : /outputHash/);
    } finally {
      await closeAll([liar, honest]);
    }
  });
}

test("a provider's job.failed is reported and rerouted; with nobody left the job fails clearly", async () => {
  const failing = await provider("fail", "1");
  const honest = await provider("honest");
  try {
    const rerouted = await runEcho(Buffer.from("x"));
    assert.equal(rerouted.outcome.status, "ok");
    assert.deepEqual(
      rerouted.outcome.attempts.map((a) => a.outcome),
      ["failed", "ok"],
    );
    assert.match(rerouted.outcome.attempts[0]?.detail ?? "", /TestFailure/);
  } finally {
    await closeAll([honest]);
  }
  try {
    const { status, outcome } = await runEcho(Buffer.from("y"));
    assert.equal(status, 200);
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.resultDigest, null);
    assert.match(outcome.error ?? "", /no other connected provider .*\(attempts: 1 failed\)/);
  } finally {
    await closeAll([failing]);
  }
});

test("the audit lottery (random() = 0) silently runs a second replica", async () => {
  const a = await provider("honest");
  const b = await provider("honest");
  nextRandom = 0;
  try {
    const { outcome } = await runEcho(Buffer.from("audit me"));
    assert.equal(outcome.status, "ok", JSON.stringify(outcome));
    assert.equal(outcome.audited, true);
    assert.equal(outcome.verification, "majority");
    assert.equal(outcome.results.length, 2);
    assert.deepEqual(new Set(outcome.attempts.map((x) => x.provider)), new Set([a.nodeKey, b.nodeKey]));
    // Neither provider can tell: both got an ordinary job.assign for the customer's own request.
    assert.equal(a.assignments.length, 1);
    assert.equal(b.assignments.length, 1);
  } finally {
    nextRandom = 0.99;
    await closeAll([a, b]);
  }
});

test("a client that reads NDJSON gets an audited job's first result before the audit settles", async () => {
  const a = await provider("honest");
  const b = await provider("hang");
  const transport = createHttpTransport();
  const post = async (input: string, onChunk?: (chunk: Buffer) => void) => {
    const body = computeJobBody({ module: echo, input: Buffer.from(input), timeoutMs: 1500 });
    const request = await signJobRequest(chain.account(customerIndex), gateway.key, body);
    return transport({
      method: "POST",
      url: `${gateway.url}/v1/jobs`,
      headers: { "content-type": "application/json", accept: "application/x-ndjson" },
      body: JSON.stringify(request),
      ...(onChunk ? { onChunk } : {}),
    });
  };
  nextRandom = 0;
  try {
    const lines: JobOutcome[] = [];
    let early: JobOutcome | undefined;
    let firstChunkLines = 0;
    const reply = await post("audit me early", (chunk) => {
      if (early) return;
      const text = chunk.toString();
      firstChunkLines = text.split("\n").filter((l) => l.length > 0).length;
      early = JSON.parse(text.split("\n")[0] as string) as JobOutcome;
    });
    // The hanging replica holds the final line back for its whole deadline: the early one came alone.
    assert.equal(firstChunkLines, 1);
    assert.equal(reply.status, 200);
    assert.equal(reply.contentType, "application/x-ndjson");
    for (const line of reply.text.trimEnd().split("\n")) lines.push(JSON.parse(line) as JobOutcome);
    assert.equal(lines.length, 2);
    const [preview, final] = lines as [JobOutcome, JobOutcome];
    assert.deepEqual(early, preview, "the early line came on its own, before the final one");
    // The first line: the honest provider's result, the audit still out (the hanging replica is not mentioned).
    assert.equal(preview.verification, "pending");
    assert.equal(preview.audited, true);
    assert.equal(preview.results.length, 1);
    assert.equal(outputOf(preview.results[0]).toString(), "audit me early");
    assert.deepEqual(
      preview.attempts.map((x) => [x.provider, x.outcome]),
      [[a.nodeKey, "ok"]],
    );
    // The final line: the replica timed out and nobody else could run it, so the single result stands.
    assert.equal(final.verification, "single");
    assert.equal(final.results.length, 1);
    assert.ok(final.attempts.some((x) => x.provider === b.nodeKey && x.outcome === "timeout"));

    // An unaudited job answers with its one JSON body, whatever the client takes.
    nextRandom = 0.99;
    const plain = await post("not audited");
    assert.equal(plain.contentType, "application/json");
    assert.equal((JSON.parse(plain.text) as JobOutcome).verification, "single");
  } finally {
    nextRandom = 0.99;
    await closeAll([a, b]);
  }
});

test("with no provider connected, a job is refused with 503 and not recorded", async () => {
  const { status, json } = await runEcho(Buffer.from("nobody"));
  assert.equal(status, 503);
  assert.equal(json.error, "NoProvidersError");
});

test("metrics count jobs and attempts", async () => {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  assert.match(text, /jobs_total\{status="ok"\} \d+/);
  // One from the deadline test, one from the audit replica that hung.
  assert.match(text, /attempts_total\{outcome="timeout"\} 2/);
  assert.match(text, /providers_connected 0/);
  assert.match(text, /job_duration_seconds_count \d+/);
});
