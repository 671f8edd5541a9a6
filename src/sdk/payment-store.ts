// What this customer has promised each provider: the cumulative amount of its latest voucher, per (customer,
// provider) channel. One JSON file per customer, rewritten atomically under an O_EXCL lock file, so that concurrent
// `gw` processes of the same customer never sign two different vouchers with the same cumulative amount (the
// provider could only redeem one of them and the other job would go unpaid).
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Hex } from "viem";
import { z } from "zod";
import { InvalidInputError, StateError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomicAsync } from "../core/json-file.ts";

const channelFileSchema = z.object({
  version: z.literal(1),
  customer: z.string(),
  /** provider (owner address, lower case) → cumulative amount promised, decimal string of base units. */
  channels: z.record(z.string(), z.string().regex(/^\d{1,78}$/)),
});

export interface PaymentStore {
  /**
   * Adds each amount to its channel and returns the new cumulative amounts. A channel seen for the first time
   * starts at `floor(provider)` (what escrow already redeemed on chain), never below. Atomic across processes.
   */
  bump(params: {
    customer: Hex;
    amounts: ReadonlyMap<Hex, bigint>;
    floor: (provider: Hex) => Promise<bigint>;
  }): Promise<Map<Hex, bigint>>;
  /** The cumulative amount last promised on a channel; undefined when none yet. */
  get(customer: Hex, provider: Hex): bigint | undefined;
}

export interface PaymentStoreOptions {
  /** How long to wait for another process's lock before giving up. */
  lockTimeoutMs?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface LockContent {
  pid: number;
  token: string;
}

function readLock(path: string): { content: LockContent | undefined; mtimeMs: number } | undefined {
  try {
    const mtimeMs = statSync(path).mtimeMs;
    const text = readFileSync(path, "utf8");
    const [pid, token] = text.split(" ");
    const n = Number.parseInt(pid ?? "", 10);
    return { content: Number.isInteger(n) && n > 0 && token ? { pid: n, token } : undefined, mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function tryCreate(path: string, token: string): boolean {
  try {
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, `${process.pid} ${token}`);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** A lock whose writer died (kill -9) or that was never completed: safe to break. */
function isStale(lock: { content: LockContent | undefined; mtimeMs: number }): boolean {
  if (lock.content) return !isAlive(lock.content.pid);
  // Created but never written: its writer died between open and write (the window is microseconds).
  return Date.now() - lock.mtimeMs > 5_000;
}

/**
 * Breaks a stale lock. Two processes may both see the same dead lock; only the one holding the short-lived breaker
 * lock re-checks and removes it, so neither can remove a fresh lock that the other has just taken.
 */
function breakStaleLock(path: string, seen: { content: LockContent | undefined; mtimeMs: number }): void {
  const breaker = `${path}.break`;
  const token = randomBytes(8).toString("hex");
  if (!tryCreate(breaker, token)) {
    const other = readLock(breaker);
    if (other && isStale(other)) rmSync(breaker, { force: true });
    return;
  }
  try {
    const now = readLock(path);
    if (now && now.content?.token === seen.content?.token && now.mtimeMs === seen.mtimeMs && isStale(now)) {
      // Move it aside first so that a half-read never sees a partly removed file.
      const aside = `${path}.${token}.stale`;
      renameSync(path, aside);
      rmSync(aside, { force: true });
    }
  } finally {
    rmSync(breaker, { force: true });
  }
}

async function withLock<T>(path: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const token = randomBytes(8).toString("hex");
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  while (!tryCreate(path, token)) {
    const lock = readLock(path);
    if (lock && isStale(lock)) {
      breakStaleLock(path, lock);
      continue;
    }
    if (Date.now() > deadline) {
      throw new StateError("the payment channel file is locked by another process", {
        details: { lock: path, pid: lock?.content?.pid },
        hint: "Another gw process of this customer is paying; if none is running, remove the lock file.",
      });
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
  try {
    return await fn();
  } finally {
    // Release only our own lock: never one that somebody broke and re-took.
    if (readLock(path)?.content?.token === token) rmSync(path, { force: true });
  }
}

export function createPaymentStore(dir: string, options: PaymentStoreOptions = {}): PaymentStore {
  const fileOf = (customer: Hex) => join(dir, `${customer.toLowerCase()}.json`);
  const read = (customer: Hex) => readJsonFile(fileOf(customer), channelFileSchema);
  return {
    get(customer, provider) {
      const value = read(customer)?.channels[provider.toLowerCase()];
      return value === undefined ? undefined : BigInt(value);
    },
    async bump({ customer, amounts, floor }) {
      for (const [provider, amount] of amounts) {
        if (amount <= 0n) {
          throw new InvalidInputError("a payment must be more than zero", { details: { provider, amount } });
        }
      }
      mkdirSync(dir, { recursive: true });
      return withLock(`${fileOf(customer)}.lock`, options.lockTimeoutMs ?? 30_000, async () => {
        const current = read(customer) ?? { version: 1 as const, customer: customer.toLowerCase(), channels: {} };
        const next = new Map<Hex, bigint>();
        for (const [provider, amount] of amounts) {
          const key = provider.toLowerCase();
          const stored = current.channels[key];
          let base: bigint;
          if (stored !== undefined) {
            base = BigInt(stored);
          } else {
            base = await floor(provider);
          }
          const cumulative = base + amount;
          current.channels[key] = cumulative.toString();
          next.set(provider, cumulative);
        }
        // Durable before any voucher is signed for these amounts; flushed off the event loop, which keeps serving jobs.
        await writeJsonAtomicAsync(fileOf(customer), current, 0o600);
        return next;
      });
    },
  };
}
