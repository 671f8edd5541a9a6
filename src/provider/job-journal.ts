// The result journal: every finished attempt's job.result body, written atomically in the same tick it is sent (just
// after, so the customer does not wait for the file), one file per (jobId, attempt). After a crash a repeated
// job.assign is answered from here: delivered work never runs twice.
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
  const nameOf = (jobId: string, attempt: number) => `${jobId}-${attempt}.json`;
  // The names on disk, listed once: a new job (nearly every one) is known absent without touching the disk.
  let names: Set<string> | undefined;
  const known = (): Set<string> => {
    if (!names) {
      try {
        names = new Set(readdirSync(options.dir));
      } catch {
        names = new Set();
      }
    }
    return names;
  };
  return {
    get(jobId, attempt) {
      if (!/^[0-9a-f]{32}$/.test(jobId) || !Number.isInteger(attempt)) return undefined;
      const name = nameOf(jobId, attempt);
      if (!known().has(name)) return undefined;
      const entry = readJsonFile(join(options.dir, name), entrySchema);
      return entry?.result;
    },
    put(result) {
      const { jobId, attempt } = result.receipt;
      const name = nameOf(jobId, attempt);
      // Survives a kill -9 without fsync (atomic rename); after a power loss a job may run again, which costs time,
      // never money: two fsyncs here were a third of a short job's dispatch overhead.
      writeJsonAtomic(join(options.dir, name), { jobId, attempt, journaledAt: now(), result }, 0o644, false);
      known().add(name);
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
            known().delete(file);
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
