// Atomic JSON files validated by a zod schema: a crash mid-write leaves the old file or the new one, never half of one.
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { mkdir, open, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";
import { InvalidInputError, StateError } from "./errors.ts";

/**
 * `durable: false` skips the fsyncs: the file still survives the writer being killed (the rename is atomic and the
 * kernel keeps the data), only not a power loss. For data that is cheap to lose on a machine crash.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, durable = true): void {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  let fd: number;
  try {
    fd = openSync(temp, "w", mode);
  } catch (error) {
    // The folder is made on the first write into it, not checked on every one (a syscall on hot paths).
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(temp, "w", mode);
  }
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  if (!durable) return;
  // The rename is durable only once the directory entry is flushed too.
  const dirFd = openSync(dirname(path), "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export function writeJsonAtomic(path: string, value: unknown, mode = 0o644, durable = true): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, mode, durable);
}

/**
 * writeJsonAtomic, durable, with every step on libuv's thread pool: the caller's event loop keeps serving while the
 * disk flushes (milliseconds each). The value is encoded before the first await, so later changes to it are not
 * written. Callers that write one file from concurrent tasks must chain the writes: renames land in completion order.
 */
export async function writeJsonAtomicAsync(path: string, value: unknown, mode = 0o644): Promise<void> {
  const data = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const file = await open(temp, "w", mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Reads and validates a JSON file; `undefined` when it does not exist. */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S): z.infer<S> | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateError(`cannot read ${path}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${path} is not valid JSON`, { cause: error, hint: "Remove or repair the file." });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError(`${path} has an unexpected shape`, {
      details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
      hint: "Remove or repair the file.",
    });
  }
  return parsed.data;
}
