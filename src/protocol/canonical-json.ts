// Canonical JSON: object keys sorted, no whitespace. Signatures cover these bytes, so signer and verifier agree on
// exactly what was signed whatever order a JSON library emits keys in.
import { InvalidInputError } from "../core/errors.ts";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new InvalidInputError("canonical JSON has no NaN or Infinity");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new InvalidInputError(`cannot encode ${typeof value} as canonical JSON`, {
    hint: "Encode bigints and bytes as strings before signing.",
  });
}
