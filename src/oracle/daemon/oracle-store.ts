// What an oracle keeps in its store folder, so a restart resumes where it stopped: challenges.jsonl (every challenge
// it sent and the answer, appended with fsync) and fraud.jsonl (fraud reports pulled from gateways), the gateways'
// report cursors, each bundle by hash (bundles/), and each epoch's record (epochs/<e>.json: its own bundle, the
// result it computed, signatures, and whether it posted or adopted the root) as atomic JSON files.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import { z } from "zod";
import { readJsonFile, writeJsonAtomic } from "../../core/json-file.ts";
import { type Envelope, envelopeSchema } from "../../protocol/index.ts";
import type { ChallengeRecord } from "./bundle-evidence.ts";
import { challengeRecordSchema, type SerializedResult, serializedResultSchema } from "./epoch-builder.ts";

export interface PulledReport {
  gateway: string;
  seq: number;
  report: Envelope;
}

export type EpochStatus = "bundled" | "posted" | "adopted";

export interface EpochRecord {
  epoch: number;
  status: EpochStatus;
  /** This oracle's own bundle for the epoch. */
  bundle: Hex | null;
  /** What the posted (or this oracle's latest proposed) root was computed over. */
  bundleHashes: Hex[];
  result: SerializedResult | null;
  signatures: { signer: Hex; signature: Hex }[];
  /** Who signed the root on chain, and the transaction. */
  postedBy: Hex[];
  transactionHash: Hex | null;
  /** This oracle's own proposals and how they fared. */
  proposals: { root: Hex; at: number; signatures: number; rejections: { oracle: Hex; reason: string }[] }[];
}

const hex = z.string().regex(/^0x[0-9a-f]*$/) as unknown as z.ZodType<Hex>;
const epochRecordSchema = z.object({
  epoch: z.number().int().nonnegative(),
  status: z.enum(["bundled", "posted", "adopted"]),
  bundle: hex.nullable(),
  bundleHashes: z.array(hex),
  result: serializedResultSchema.nullable(),
  signatures: z.array(z.object({ signer: hex, signature: hex })),
  postedBy: z.array(hex),
  transactionHash: hex.nullable(),
  proposals: z.array(
    z.object({
      root: hex,
      at: z.number(),
      signatures: z.number(),
      rejections: z.array(z.object({ oracle: hex, reason: z.string() })),
    }),
  ),
});

const cursorsSchema = z.object({ version: z.literal(1), after: z.record(z.string(), z.number().int()) });

export interface OracleStore {
  appendChallenge(record: ChallengeRecord): void;
  /** Challenges sent in [startMs, endMs). */
  challengesIn(startMs: number, endMs: number): ChallengeRecord[];
  appendReport(report: PulledReport): void;
  /** Fraud reports signed in [startMs, endMs), each once. */
  reportsIn(startMs: number, endMs: number): Envelope[];
  cursor(gateway: string): number;
  setCursor(gateway: string, after: number): void;
  putBundle(hash: Hex, bundle: Envelope): void;
  getBundle(hash: Hex): Envelope | undefined;
  getEpoch(epoch: number): EpochRecord | undefined;
  putEpoch(record: EpochRecord): void;
  /** Epoch numbers with a record, ascending. */
  epochs(): number[];
  close(): void;
}

function openAppendLog(
  path: string,
  onLine: (value: unknown) => void,
): { append(value: unknown): void; close(): void } {
  if (existsSync(path)) {
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (line.length === 0) continue;
      try {
        onLine(JSON.parse(line));
      } catch {
        // a torn last line from a crash: ignored (the next append starts a fresh line)
      }
    }
  }
  // After a torn last line, the first append starts on a new line.
  let prefix =
    existsSync(path) && readFileSync(path).at(-1) !== undefined && readFileSync(path).at(-1) !== 0x0a ? "\n" : "";
  const fd = openSync(path, "a");
  return {
    append(value) {
      writeSync(fd, `${prefix}${JSON.stringify(value)}\n`);
      prefix = "";
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}

export function openOracleStore(dir: string): OracleStore {
  mkdirSync(join(dir, "bundles"), { recursive: true });
  mkdirSync(join(dir, "epochs"), { recursive: true });
  const challenges: ChallengeRecord[] = [];
  const reports: PulledReport[] = [];
  const challengeLog = openAppendLog(join(dir, "challenges.jsonl"), (value) => {
    const parsed = challengeRecordSchema.safeParse(value);
    if (parsed.success) challenges.push(parsed.data as ChallengeRecord);
  });
  const reportLog = openAppendLog(join(dir, "fraud.jsonl"), (value) => {
    const v = value as { gateway?: unknown; seq?: unknown; report?: unknown };
    const report = envelopeSchema.safeParse(v?.report);
    if (typeof v?.gateway === "string" && typeof v.seq === "number" && report.success) {
      reports.push({ gateway: v.gateway, seq: v.seq, report: report.data as Envelope });
    }
  });
  const cursorsPath = join(dir, "cursors.json");
  const cursors: Record<string, number> = readJsonFile(cursorsPath, cursorsSchema)?.after ?? {};
  const epochPath = (e: number) => join(dir, "epochs", `${e}.json`);
  const bundlePath = (hash: Hex) => join(dir, "bundles", `${hash.toLowerCase()}.json`);

  return {
    appendChallenge(record) {
      challengeLog.append(record);
      challenges.push(record);
    },
    challengesIn: (startMs, endMs) => challenges.filter((c) => c.sentAt >= startMs && c.sentAt < endMs),
    appendReport(report) {
      reportLog.append(report);
      reports.push(report);
    },
    reportsIn(startMs, endMs) {
      const seen = new Set<string>();
      const out: Envelope[] = [];
      for (const { report } of reports) {
        if (report.ts < startMs || report.ts >= endMs || seen.has(report.sig)) continue;
        seen.add(report.sig);
        out.push(report);
      }
      return out;
    },
    cursor: (gateway) => cursors[gateway] ?? 0,
    setCursor(gateway, after) {
      cursors[gateway] = after;
      writeJsonAtomic(cursorsPath, { version: 1, after: cursors });
    },
    putBundle(hash, bundle) {
      if (!existsSync(bundlePath(hash))) writeJsonAtomic(bundlePath(hash), bundle);
    },
    getBundle(hash) {
      if (!/^0x[0-9a-f]{64}$/.test(hash)) return undefined;
      const parsed = readJsonFile(bundlePath(hash), envelopeSchema);
      return parsed as Envelope | undefined;
    },
    getEpoch: (epoch) => readJsonFile(epochPath(epoch), epochRecordSchema) as EpochRecord | undefined,
    putEpoch(record) {
      writeJsonAtomic(epochPath(record.epoch), record);
    },
    epochs: () =>
      readdirSync(join(dir, "epochs"))
        .map((f) => /^(\d+)\.json$/.exec(f)?.[1])
        .filter((e): e is string => e !== undefined)
        .map(Number)
        .sort((a, b) => a - b),
    close() {
      challengeLog.close();
      reportLog.close();
    },
  };
}
