// Output helpers shared by commands: token amounts in and out, and JSON that carries bigints exactly.
import { formatUnits, parseUnits } from "viem";
import { InvalidInputError } from "../core/errors.ts";

export const tokenDecimals = 18;

export function parseTokenAmount(value: string | undefined, what = "amount"): bigint {
  if (value === undefined || !/^\d+(\.\d{1,18})?$/.test(value)) {
    throw new InvalidInputError(`invalid ${what}: ${value ?? "(missing)"}`, {
      hint: "Give a positive number of tokens, e.g. 250 or 12.5 (up to 18 decimals).",
    });
  }
  const amount = parseUnits(value, tokenDecimals);
  if (amount === 0n) throw new InvalidInputError(`${what} must be more than zero`);
  return amount;
}

export function formatToken(amount: bigint): string {
  return formatUnits(amount, tokenDecimals);
}

export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** An integer flag within bounds; `fallback` when the flag was not given. */
export function parseIntegerFlag(value: unknown, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`invalid --${flag} ${String(value)}`, {
      hint: `A whole number from ${min} to ${max}.`,
    });
  }
  return n;
}
