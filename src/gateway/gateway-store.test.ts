// The gateway's job log as a public feed: records come back in the order written, page by page, across a restart,
// and a torn last line (a crash mid-append) is cut off instead of breaking the feed.
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempHome } from "../testing/index.ts";
import { openGatewayStore } from "./gateway-store.ts";

test("the job feed pages through the log in order and survives a restart and a torn line", () => {
  const home = tempHome("gw-store-");
  try {
    const store = openGatewayStore(home.path);
    store.appendJob({ jobId: "j1", event: "accepted", at: 1 });
    store.appendJob({ jobId: "j2", event: "accepted", at: 2 });
    store.appendJob({ jobId: "j1", event: "settled", at: 3, status: "ok" });
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
    store.close();

    appendFileSync(join(home.path, "jobs.jsonl"), '{"jobId":"j3","event":"acc');
    const reopened = openGatewayStore(home.path);
    assert.equal(reopened.listJobRecords({ after: 0, limit: 10 }).records.length, 3);
    assert.ok(reopened.hasJob("j2"));
    reopened.appendJob({ jobId: "j3", event: "accepted", at: 4 });
    assert.deepEqual(
      reopened.listJobRecords({ after: 3, limit: 10 }).records.map((r) => [r.seq, r.record.jobId]),
      [[4, "j3"]],
    );
    reopened.close();
  } finally {
    home.remove();
  }
});
