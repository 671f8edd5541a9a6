// Opaque pagination cursors: the last row's sort key, base64url JSON. Clients pass back what `next` said; anything
// else is a 400, never a database error.
import { InvalidInputError } from "../core/errors.ts";

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(
  cursor: string | undefined,
  shape: readonly ("string" | "number")[],
): unknown[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw new InvalidInputError("invalid cursor", {
      details: { cursor },
      hint: "Pass the `next` value of the previous page unchanged.",
    });
  }
  return key;
}
