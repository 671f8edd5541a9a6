// The gateway's store: group-committed job and report logs, the job log as a public feed (in order, page by page,
// across a restart and a torn last line), and provider reputation across restarts.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Hex } from "viem";
import { generateNodeKeySeed, messageTypes, nodeKeyFromSeed, nodeKeySigner, signEnvelope } from "../protocol/index.ts";
import { tempHome } from "../testing/index.ts";
import { openGatewayStore } from "./gateway-store.ts";
import { createReputationBook } from "./reputation-book.ts";

const jobId = (n: number) => n.toString(16).padStart(32, "0");

test("concurrent appends share flushes, all land in order, and a reopened store remembers every job id", async () => {
  const home = tempHome();
  const store = openGatewayStore(home.path);
  const signer = nodeKeySigner(nodeKeyFromSeed(generateNodeKeySeed()));
  const report = (n: number) =>
    signEnvelope(signer, {
      type: messageTypes.failureReport,
      body: { jobId: jobId(n), attempt: 0, provider: signer.id, kind: "timeout", detail: `report ${n}` },
    });
  const reports = await Promise.all(Array.from({ length: 20 }, (_, n) => report(n)));
  // Fired without awaiting one another, as concurrent jobs do.
  const [stored] = await Promise.all([
    Promise.all(reports.map((r) => store.appendReport("failure", r))),
    Promise.all(Array.from({ length: 200 }, (_, n) => store.appendJob({ jobId: jobId(n), event: "accepted", at: n }))),
  ]);
  assert.deepEqual(
    stored.map((s) => s.seq),
    Array.from({ length: 20 }, (_, n) => n + 1),
  );
  assert.ok(store.hasJob(jobId(199)));
  await store.close();

  const lines = readFileSync(join(home.path, "jobs.jsonl"), "utf8").trim().split("\n");
  assert.deepEqual(
    lines.map((line) => JSON.parse(line).at),
    Array.from({ length: 200 }, (_, n) => n),
  );
  const reopened = openGatewayStore(home.path);
  for (let n = 0; n < 200; n++) assert.ok(reopened.hasJob(jobId(n)), `job ${n}`);
  assert.ok(!reopened.hasJob(jobId(200)));
  const page = reopened.listReports({ limit: 100 });
  assert.deepEqual(
    page.reports.map((r) => (r.report.body as { detail: string }).detail),
    Array.from({ length: 20 }, (_, n) => `report ${n}`),
  );
  await reopened.close();
  home.remove();
});

test("provider reputation survives a gateway restart, and a crash after the flush delay", async () => {
  const home = tempHome();
  const a = nodeKeyFromSeed(generateNodeKeySeed()).publicKey.toLowerCase() as Hex;
  const b = nodeKeyFromSeed(generateNodeKeySeed()).publicKey.toLowerCase() as Hex;

  // A clean stop writes at once.
  let store = openGatewayStore(home.path);
  let book = createReputationBook({ store, flushMs: 60_000 });
  book.recordSuccess(a);
  book.recordSuccess(a);
  book.recordFailure(b);
  book.close();
  await store.close();

  store = openGatewayStore(home.path);
  book = createReputationBook({ store, flushMs: 20 });
  assert.deepEqual(book.get(a), { successes: 2, failures: 0, score: 3 / 4 });
  assert.deepEqual(book.get(b), { successes: 0, failures: 1, score: 1 / 3 });
  // Without a clean stop (as after kill -9), what changed before the flush delay is on disk.
  book.recordFailure(a);
  const flushed = () =>
    (JSON.parse(readFileSync(join(home.path, "reputation.json"), "utf8")).providers[a]?.failures ?? 0) === 1;
  for (let i = 0; i < 500 && !flushed(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const crashed = createReputationBook({ store: openGatewayStore(home.path) });
  assert.deepEqual(crashed.get(a), { successes: 2, failures: 1, score: 3 / 5 });
  assert.deepEqual(crashed.get(b).failures, 1);
  book.close();
  await store.close();
  home.remove();
});

test("the job feed pages through the log in order and survives a restart and a torn line", async () => {
  const home = tempHome("gw-store-");
  try {
    const store = openGatewayStore(home.path);
    await store.appendJob({ jobId: "j1", event: "accepted", at: 1 });
    await store.appendJob({ jobId: "j2", event: "accepted", at: 2 });
    await store.appendJob({ jobId: "j1", event: "settled", at: 3, status: "ok" });
    const first = store.listJobRecords({ after: 0, limit: 2 });
    assert.deepEqual(
      first.records.map((r) => [r.seq, r.record.jobId, r.record.event]),
      [
        [1, "j1", "accepted"],
        [2, "j2", "accepted"],
      ],
    );
    assert.equal(first.next, 2);
    const second = store.listJobRecords({ after: first.next, limit: 2 });
    assert.deepEqual(
      second.records.map((r) => [r.seq, r.record.event, r.record.status]),
      [[3, "settled", "ok"]],
    );
    assert.equal(second.next, undefined);
    await store.close();

    appendFileSync(join(home.path, "jobs.jsonl"), '{"jobId":"j3","event":"acc');
    const reopened = openGatewayStore(home.path);
    assert.equal(reopened.listJobRecords({ after: 0, limit: 10 }).records.length, 3);
    assert.ok(reopened.hasJob("j2"));
    await reopened.appendJob({ jobId: "j3", event: "accepted", at: 4 });
    assert.deepEqual(
      reopened.listJobRecords({ after: 3, limit: 10 }).records.map((r) => [r.seq, r.record.jobId]),
      [[4, "j3"]],
    );
    await reopened.close();
  } finally {
    home.remove();
  }
});
