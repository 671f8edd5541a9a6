// The result journal: every finished attempt's job.result body, written atomically BEFORE it is sent, one file per
// (jobId, attempt). After a crash a repeated job.assign is answered from here: finished work never runs twice.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { readJsonFile, writeJsonAtomic } from "../core/json-file.ts";
import { jobResultBody } from "../protocol/index.ts";

export type JobResultBody = z.infer<typeof jobResultBody>;

const entrySchema = z.object({
  jobId: z.string(),
  attempt: z.number().int(),
  journaledAt: z.number().int(),
  result: jobResultBody,
});

export interface JobJournal {
  get(jobId: string, attempt: number): JobResultBody | undefined;
  put(result: JobResultBody): void;
  /** Removes entries older than `maxAgeMs`; returns how many. */
  prune(maxAgeMs: number): number;
}

export function createJobJournal(options: { dir: string; now?: () => number }): JobJournal {
  const now = options.now ?? Date.now;
  // jobIds are 32 hex digits and attempts integers (both schema-checked), so the file name is safe.
  const fileOf = (jobId: string, attempt: number) => join(options.dir, `${jobId}-${attempt}.json`);
  return {
    get(jobId, attempt) {
      if (!/^[0-9a-f]{32}$/.test(jobId) || !Number.isInteger(attempt)) return undefined;
      const entry = readJsonFile(fileOf(jobId, attempt), entrySchema);
      return entry?.result;
    },
    put(result) {
      const { jobId, attempt } = result.receipt;
      // Survives a kill -9 without fsync (atomic rename); after a power loss a job may run again, which costs time,
      // never money: two fsyncs here were a third of a short job's dispatch overhead.
      writeJsonAtomic(fileOf(jobId, attempt), { jobId, attempt, journaledAt: now(), result }, 0o644, false);
    },
    prune(maxAgeMs) {
      let files: string[];
      try {
        files = readdirSync(options.dir);
      } catch {
        return 0;
      }
      let removed = 0;
      const cutoff = now() - maxAgeMs;
      for (const file of files) {
        const path = join(options.dir, file);
        try {
          if (statSync(path).mtimeMs < cutoff) {
            rmSync(path, { force: true });
            removed++;
          }
        } catch {
          // Gone already: nothing to prune.
        }
      }
      return removed;
    },
  };
}
