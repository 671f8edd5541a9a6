// Canonical JSON: object keys sorted, no whitespace. Signatures cover these bytes, so signer and verifier agree on
// exactly what was signed whatever order a JSON library emits keys in.
import { InvalidInputError } from "../core/errors.ts";

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new InvalidInputError("canonical JSON has no NaN or Infinity");
      return JSON.stringify(value);
    case "object": {
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) out += (i > 0 ? "," : "") + canonicalJson(value[i]);
        return `${out}]`;
      }
      // A Date, Buffer or Map would encode here differently from what JSON.stringify puts on the wire.
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new InvalidInputError(
          `cannot encode a ${proto?.constructor?.name ?? "class instance"} as canonical JSON`,
          {
            hint: "Sign plain JSON data: encode dates, bytes and maps as strings or plain objects first.",
          },
        );
      }
      const record = value as Record<string, unknown>;
      // Default sort compares UTF-16 code units, the order canonical JSON defines; keys are unique.
      const keys = Object.keys(record).sort();
      let out = "{";
      for (const k of keys) {
        const v = record[k];
        if (v === undefined) continue;
        out += `${out.length > 1 ? "," : ""}${JSON.stringify(k)}:${canonicalJson(v)}`;
      }
      return `${out}}`;
    }
    default:
      throw new InvalidInputError(`cannot encode ${typeof value} as canonical JSON`, {
        hint: "Encode bigints and bytes as strings before signing.",
      });
  }
}
