// What the gateway keeps on disk, in its store folder: reports.jsonl (signed report.fraud / report.failure envelopes
// for the oracles) and jobs.jsonl (each accepted job and its settlement), both appended and made durable (fdatasync,
// one for every line appended meanwhile) before anything that depends on them is acknowledged; queued vouchers as one
// atomic JSON file. A torn last line from a crash is cut off at start-up.
import {
  closeSync,
  fdatasync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { StateError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomic } from "../core/json-file.ts";
import { type Envelope, messageTypes, type SignedVoucher, signedVoucherSchema } from "../protocol/index.ts";

export type ReportKind = "fraud" | "failure";

export interface StoredReport {
  /** Position in reports.jsonl, from 1: the paging cursor. */
  seq: number;
  kind: ReportKind;
  report: Envelope;
}

export interface JobRecord {
  jobId: string;
  event: "accepted" | "settled";
  at: number;
  [field: string]: unknown;
}

/** A job record with its position in jobs.jsonl, from 1: the paging cursor of the public job feed. */
export interface StoredJobRecord {
  seq: number;
  record: JobRecord;
}

export interface GatewayStore {
  /** Whether a job id was ever accepted here (including before a restart), durably or on its way to disk. */
  hasJob(jobId: string): boolean;
  /** Writes the record at once (throws if it cannot); resolves once it is on disk. */
  appendJob(record: JobRecord): Promise<void>;
  /** Job records (accepted, then settled) in the order they were written, after sequence number `after`; only
   * records already on disk are listed. */
  listJobRecords(params: { after?: number; limit: number }): { records: StoredJobRecord[]; next?: number };
  /** Resolves once the report is on disk; only then is it listed. */
  appendReport(kind: ReportKind, report: Envelope): Promise<StoredReport>;
  listReports(params: { kind?: ReportKind; after?: number; limit: number }): { reports: StoredReport[]; next?: number };
  readVoucherQueue(): QueuedVoucher[];
  writeVoucherQueue(queue: QueuedVoucher[]): void;
  /** Provider reputation by node key, as last written. */
  readReputation(): Record<string, ReputationCounts>;
  /** Replaces the reputation file atomically; `durable` also flushes it to disk (survives power loss, not just kill -9). */
  writeReputation(counts: Record<string, ReputationCounts>, durable: boolean): void;
  /** Waits for appends under way, then closes the files. */
  close(): Promise<void>;
}

export const queuedVoucherSchema = z.object({ signed: signedVoucherSchema, queuedAt: z.number().int() });
export type QueuedVoucher = { signed: SignedVoucher; queuedAt: number };
const voucherQueueFile = z.object({ version: z.literal(1), queued: z.array(queuedVoucherSchema) });
const reputationCountsSchema = z.object({ successes: z.number().int().min(0), failures: z.number().int().min(0) });
export type ReputationCounts = z.infer<typeof reputationCountsSchema>;
const reputationFile = z.object({
  version: z.literal(1),
  providers: z.record(z.string().regex(/^0x[0-9a-f]{64}$/), reputationCountsSchema),
});

/**
 * An append-only JSON-lines file. Each append writes at once and resolves when durable. Group commit: one fdatasync
 * (on libuv's thread pool, off the event loop) covers every line written while the previous one ran, so concurrent
 * jobs share a disk flush instead of queueing for one each.
 */
interface JsonLines {
  append(value: unknown): Promise<{ offset: number; length: number }>;
  read(offset: number, length: number): string;
  close(): Promise<void>;
}

function openJsonLines(path: string, onLine: (line: string, offset: number, length: number) => void): JsonLines {
  let fd = openSync(path, "a+");
  let size = fstatSync(fd).size;
  if (size > 0) {
    const text = readFileSync(path);
    const end = text.lastIndexOf(0x0a) + 1; // cut a torn last line (a crash mid-append)
    if (end < size) {
      closeSync(fd);
      fd = openSync(path, "r+");
      ftruncateSync(fd, end);
      fsyncSync(fd);
      closeSync(fd);
      fd = openSync(path, "a+");
      size = end;
    }
    let start = 0;
    while (start < end) {
      const newline = text.indexOf(0x0a, start);
      if (newline > start) onLine(text.subarray(start, newline).toString("utf8"), start, newline - start);
      start = newline + 1;
    }
  }
  let waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let flushing: Promise<void> | undefined;
  const flush = (): Promise<void> => {
    const batch = waiting;
    waiting = [];
    return new Promise<void>((done) => {
      fdatasync(fd, (error) => {
        for (const w of batch) error ? w.reject(error) : w.resolve();
        done();
      });
    });
  };
  const schedule = (): void => {
    if (flushing) return;
    flushing = (async () => {
      while (waiting.length > 0) await flush();
      flushing = undefined;
    })();
  };
  return {
    append(value) {
      const line = Buffer.from(`${JSON.stringify(value)}\n`);
      writeSync(fd, line);
      const offset = size;
      size += line.length;
      return new Promise((resolve, reject) => {
        waiting.push({ resolve: () => resolve({ offset, length: line.length - 1 }), reject });
        schedule();
      });
    },
    read(offset, length) {
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, offset);
      return buffer.toString("utf8");
    },
    async close() {
      while (flushing) await flushing;
      closeSync(fd);
    },
  };
}

export function openGatewayStore(dir: string): GatewayStore {
  mkdirSync(dir, { recursive: true });
  const jobIds = new Set<string>();
  // Like reports: records stay on disk, memory holds where each one is.
  const jobIndex: { offset: number; length: number }[] = [];
  const jobs = openJsonLines(join(dir, "jobs.jsonl"), (line, offset, length) => {
    try {
      const record = JSON.parse(line) as { jobId?: unknown };
      if (typeof record.jobId === "string") {
        jobIds.add(record.jobId);
        jobIndex.push({ offset, length });
      }
    } catch {
      // a damaged line names no job; keep going
    }
  });
  // Reports stay on disk; memory holds only where each one is.
  const index: { seq: number; kind: ReportKind; offset: number; length: number }[] = [];
  const reports = openJsonLines(join(dir, "reports.jsonl"), (line, offset, length) => {
    try {
      const envelope = JSON.parse(line) as { type?: unknown };
      const kind = envelope.type === messageTypes.fraudReport ? "fraud" : "failure";
      index.push({ seq: index.length + 1, kind, offset, length });
    } catch {
      // skip damaged lines
    }
  });
  const voucherPath = join(dir, "vouchers-queue.json");
  const reputationPath = join(dir, "reputation.json");

  return {
    hasJob: (jobId) => jobIds.has(jobId),
    appendJob(record) {
      // Written now (a write error throws here, before the job is dispatched); durable when the promise resolves.
      const durable = jobs.append(record);
      jobIds.add(record.jobId);
      // Flushes complete in the order lines were written, so the feed's order stays file order.
      return durable.then((at) => {
        jobIndex.push(at);
      });
    },
    listJobRecords({ after = 0, limit }) {
      const records: StoredJobRecord[] = [];
      for (let seq = after + 1; seq <= jobIndex.length && records.length < limit; seq++) {
        const entry = jobIndex[seq - 1] as { offset: number; length: number };
        try {
          records.push({ seq, record: JSON.parse(jobs.read(entry.offset, entry.length)) as JobRecord });
        } catch (cause) {
          throw new StateError("the job log is damaged", { cause, details: { seq } });
        }
      }
      const last = records.at(-1)?.seq ?? after;
      return last < jobIndex.length ? { records, next: last } : { records };
    },
    async appendReport(kind, report) {
      const { offset, length } = await reports.append(report);
      // Flushes complete in the order lines were written, so listing order stays file order.
      const entry = { seq: index.length + 1, kind, offset, length };
      index.push(entry);
      return { seq: entry.seq, kind, report };
    },
    listReports({ kind, after = 0, limit }) {
      const out: StoredReport[] = [];
      let next: number | undefined;
      for (const entry of index) {
        if (entry.seq <= after || (kind && entry.kind !== kind)) continue;
        if (out.length === limit) {
          next = out[out.length - 1]?.seq;
          break;
        }
        let report: Envelope;
        try {
          report = JSON.parse(reports.read(entry.offset, entry.length)) as Envelope;
        } catch (cause) {
          throw new StateError("the report store is damaged", { cause, details: { seq: entry.seq } });
        }
        out.push({ seq: entry.seq, kind: entry.kind, report });
      }
      return next === undefined ? { reports: out } : { reports: out, next };
    },
    readVoucherQueue: () => readJsonFile(voucherPath, voucherQueueFile)?.queued ?? [],
    writeVoucherQueue(queue) {
      writeJsonAtomic(voucherPath, { version: 1, queued: queue });
    },
    readReputation: () => readJsonFile(reputationPath, reputationFile)?.providers ?? {},
    writeReputation(counts, durable) {
      writeJsonAtomic(reputationPath, { version: 1, providers: counts }, 0o644, durable);
    },
    async close() {
      await Promise.all([jobs.close(), reports.close()]);
    },
  };
}
