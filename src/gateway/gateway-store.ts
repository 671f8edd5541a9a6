// What the gateway keeps on disk, in its store folder: reports.jsonl (signed report.fraud / report.failure envelopes
// for the oracles) and jobs.jsonl (each accepted job and its settlement), both appended with fsync before anything
// is acknowledged; queued vouchers as one atomic JSON file. A torn last line from a crash is cut off at start-up.
import {
  closeSync,
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
  /** Whether a job id was ever accepted here (including before a restart). */
  hasJob(jobId: string): boolean;
  appendJob(record: JobRecord): void;
  /** Job records (accepted, then settled) in the order they were written, after sequence number `after`. */
  listJobRecords(params: { after?: number; limit: number }): { records: StoredJobRecord[]; next?: number };
  appendReport(kind: ReportKind, report: Envelope): StoredReport;
  listReports(params: { kind?: ReportKind; after?: number; limit: number }): { reports: StoredReport[]; next?: number };
  readVoucherQueue(): QueuedVoucher[];
  writeVoucherQueue(queue: QueuedVoucher[]): void;
  close(): void;
}

export const queuedVoucherSchema = z.object({ signed: signedVoucherSchema, queuedAt: z.number().int() });
export type QueuedVoucher = { signed: SignedVoucher; queuedAt: number };
const voucherQueueFile = z.object({ version: z.literal(1), queued: z.array(queuedVoucherSchema) });

/** An append-only JSON-lines file: each append is durable (fsync) before it returns. */
interface JsonLines {
  append(value: unknown): { offset: number; length: number };
  read(offset: number, length: number): string;
  close(): void;
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
  return {
    append(value) {
      const line = Buffer.from(`${JSON.stringify(value)}\n`);
      writeSync(fd, line);
      fsyncSync(fd);
      const offset = size;
      size += line.length;
      return { offset, length: line.length - 1 };
    },
    read(offset, length) {
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, offset);
      return buffer.toString("utf8");
    },
    close: () => closeSync(fd),
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

  return {
    hasJob: (jobId) => jobIds.has(jobId),
    appendJob(record) {
      jobIndex.push(jobs.append(record));
      jobIds.add(record.jobId);
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
    appendReport(kind, report) {
      const { offset, length } = reports.append(report);
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
    close() {
      jobs.close();
      reports.close();
    },
  };
}
