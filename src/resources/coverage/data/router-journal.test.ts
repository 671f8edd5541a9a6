// The router's durable record across crashes: a torn last line is ignored, a crash between writing the snapshot and
// emptying the journal replays nothing twice, and compaction keeps the journal short.
import assert from "node:assert/strict";
import { appendFileSync, copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempHome } from "../../../testing/index.ts";
import { openRouterJournal } from "./router-journal.ts";

const home = tempHome("gw-journal-");
after(() => home.remove());

const paid = (counter: number, owner = "0xaa") => ({
  t: "paid" as const,
  deviceId: "00000000000000d1",
  entry: { counter, hash: `h${counter}`, nodeKey: "0x01", owner },
  price: "5",
});

test("replay after a crash: torn line ignored, amounts exact", () => {
  const paths = { snapshotPath: join(home.path, "a.json"), journalPath: join(home.path, "a.journal") };
  const journal = openRouterJournal({ ...paths, window: 4 });
  for (let c = 0; c < 6; c++) journal.record(paid(c));
  journal.record({ t: "duplicate" });
  journal.record({ t: "settle", owner: "0xaa", amount: "12" });
  journal.close();
  appendFileSync(paths.journalPath, '{"seq":9,"t":"paid","dev'); // killed mid-write
  const reopened = openRouterJournal({ ...paths, window: 4 });
  const s = reopened.state;
  assert.equal(s.seq, 8);
  assert.equal(s.totals.paid, 6);
  assert.equal(s.totals.duplicates, 1);
  assert.equal(s.totals.paidAmount, "30");
  assert.equal(s.owed["0xaa"], "18");
  assert.deepEqual(
    s.devices["00000000000000d1"]?.recent.map((r) => r.counter),
    [2, 3, 4, 5],
  );
  assert.equal(readFileSync(paths.journalPath, "utf8"), "", "replayed entries were compacted into the snapshot");
  reopened.close();
});

test("a crash between snapshot and truncation applies nothing twice; compaction every N entries", () => {
  const paths = { snapshotPath: join(home.path, "b.json"), journalPath: join(home.path, "b.journal") };
  const journal = openRouterJournal({ ...paths, window: 32, compactEvery: 3 });
  journal.record(paid(1));
  journal.record(paid(2));
  const stale = join(home.path, "b.journal.copy");
  copyFileSync(paths.journalPath, stale); // the journal as it was just before compaction
  journal.record(paid(3)); // third entry: snapshot written, journal emptied
  assert.equal(readFileSync(paths.journalPath, "utf8"), "");
  journal.close();
  copyFileSync(stale, paths.journalPath); // as if the truncation never happened
  const reopened = openRouterJournal({ ...paths, window: 32 });
  assert.equal(reopened.state.totals.paid, 3);
  assert.equal(reopened.state.owed["0xaa"], "15");
  reopened.close();
});
