// The packet router's durable record: a snapshot (written atomically) plus an append-only journal of every decision
// since, one JSON line each, so a decision costs one small append whatever the number of devices (and decisions made
// together share one fsync). A restart
// loads the snapshot and replays the journal entries newer than it (by sequence number, so a crash between writing a
// snapshot and truncating the journal replays nothing twice; a torn last line is ignored). Every `compactEvery`
// entries the snapshot is rewritten and the journal emptied.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from "node:fs";
import { z } from "zod";
import { readJsonFile, writeJsonAtomic } from "../../../core/json-file.ts";

const recentSchema = z.object({ counter: z.number().int(), hash: z.string(), nodeKey: z.string(), owner: z.string() });
const amount = z.string().regex(/^\d{1,78}$/);

export const routerStateSchema = z.object({
  version: z.literal(1),
  /** The last journal entry this state includes. */
  seq: z.number().int().nonnegative(),
  /** Per device: the highest counter accepted, and the accepted frames of the window (sorted by counter). */
  devices: z.record(z.string(), z.object({ last: z.number().int(), recent: z.array(recentSchema) })),
  /** Hotspot owner → earned and not yet moved into the payment store. */
  owed: z.record(z.string(), amount),
  totals: z.object({
    paid: z.number().int(),
    duplicates: z.number().int(),
    paidAmount: amount,
    /** Hotspot owner → everything it earned through this router. */
    byOwner: z.record(z.string(), amount),
  }),
});
export type RouterState = z.infer<typeof routerStateSchema>;

const entrySchema = z.discriminatedUnion("t", [
  z.object({
    seq: z.number().int().positive(),
    t: z.literal("paid"),
    deviceId: z.string(),
    entry: recentSchema,
    price: amount,
  }),
  z.object({ seq: z.number().int().positive(), t: z.literal("duplicate") }),
  z.object({ seq: z.number().int().positive(), t: z.literal("settle"), owner: z.string(), amount }),
]);
export type JournalEntry = z.infer<typeof entrySchema>;
type Decision = JournalEntry extends infer E ? (E extends JournalEntry ? Omit<E, "seq"> : never) : never;

/** The one state transition, used live and on replay. */
function apply(state: RouterState, entry: JournalEntry, window: number): void {
  state.seq = entry.seq;
  switch (entry.t) {
    case "paid": {
      const device = state.devices[entry.deviceId] ?? { last: -1, recent: [] };
      state.devices[entry.deviceId] = {
        last: Math.max(device.last, entry.entry.counter),
        recent: [...device.recent, entry.entry].sort((a, b) => a.counter - b.counter).slice(-window),
      };
      const price = BigInt(entry.price);
      const owner = entry.entry.owner;
      state.owed[owner] = (BigInt(state.owed[owner] ?? "0") + price).toString();
      state.totals.paid++;
      state.totals.paidAmount = (BigInt(state.totals.paidAmount) + price).toString();
      state.totals.byOwner[owner] = (BigInt(state.totals.byOwner[owner] ?? "0") + price).toString();
      return;
    }
    case "duplicate":
      state.totals.duplicates++;
      return;
    case "settle": {
      const left = BigInt(state.owed[entry.owner] ?? "0") - BigInt(entry.amount);
      if (left <= 0n) delete state.owed[entry.owner];
      else state.owed[entry.owner] = left.toString();
      return;
    }
  }
}

export interface RouterJournal {
  readonly state: RouterState;
  /** Appends `decision` to the journal and applies it to `state`; durable once `sync()` resolves. */
  record(decision: Decision): void;
  /**
   * Resolves once every decision recorded so far is on disk. Decisions recorded in the same turn of the event loop
   * share one fsync (group commit), so concurrent deliveries do not each wait for the disk.
   */
  sync(): Promise<void>;
  close(): void;
}

export function openRouterJournal(options: {
  snapshotPath: string;
  journalPath: string;
  /** Frames remembered per device (the replay window). */
  window: number;
  compactEvery?: number;
}): RouterJournal {
  const compactEvery = options.compactEvery ?? 10_000;
  const state: RouterState = readJsonFile(options.snapshotPath, routerStateSchema) ?? {
    version: 1,
    seq: 0,
    devices: {},
    owed: {},
    totals: { paid: 0, duplicates: 0, paidAmount: "0", byOwner: {} },
  };
  let pending = 0;
  if (existsSync(options.journalPath)) {
    for (const line of readFileSync(options.journalPath, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      let parsed: ReturnType<typeof entrySchema.safeParse>;
      try {
        parsed = entrySchema.safeParse(JSON.parse(line));
      } catch {
        break; // a torn last line: the decision it held was never answered
      }
      if (!parsed.success) break;
      if (parsed.data.seq <= state.seq) continue;
      apply(state, parsed.data, options.window);
      pending++;
    }
  }
  const fd = openSync(options.journalPath, "a", 0o600);
  let dirty = false;
  let syncing: Promise<void> | undefined;
  const compact = () => {
    writeJsonAtomic(options.snapshotPath, state, 0o600);
    truncateSync(options.journalPath, 0);
    pending = 0;
  };
  if (pending > 0) compact();
  return {
    state,
    record(decision) {
      const entry = { seq: state.seq + 1, ...decision } as JournalEntry;
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      apply(state, entry, options.window);
      dirty = true;
      if (++pending >= compactEvery) {
        fsyncSync(fd);
        compact();
      }
    },
    sync() {
      syncing ??= new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          syncing = undefined;
          try {
            if (dirty) fsyncSync(fd);
            dirty = false;
            resolve();
          } catch (error) {
            reject(error);
          }
        });
      });
      return syncing;
    },
    close() {
      if (dirty) fsyncSync(fd);
      closeSync(fd);
    },
  };
}
