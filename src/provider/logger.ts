// Structured logs: one JSON object per line ({time, level, msg, ...fields}) on a stream, stderr by default.
import type { Writable } from "node:stream";

export type LogLevel = "debug" | "info" | "warn" | "error";

export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createJsonLogger(
  options: { stream?: Writable; level?: LogLevel; now?: () => number; base?: Record<string, unknown> } = {},
): Logger {
  const stream = options.stream ?? process.stderr;
  const min = order[options.level ?? "info"];
  const now = options.now ?? Date.now;
  return (level, msg, fields = {}) => {
    if (order[level] < min) return;
    const line = JSON.stringify(
      { time: new Date(now()).toISOString(), level, msg, ...options.base, ...fields },
      (_key, v) => (typeof v === "bigint" ? v.toString() : v),
    );
    stream.write(`${line}\n`);
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = () => {};
