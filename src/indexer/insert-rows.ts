// Multi-row INSERTs in chunks that stay under PostgreSQL's 65,535 bind parameters: one round trip per chunk
// instead of one per row.
import type { Queryable } from "./database.ts";

const maxParams = 30_000;

export async function insertRows(
  tx: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  onConflict = "",
): Promise<void> {
  if (rows.length === 0) return;
  const perChunk = Math.max(1, Math.floor(maxParams / columns.length));
  for (let start = 0; start < rows.length; start += perChunk) {
    const chunk = rows.slice(start, start + perChunk);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const slots = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${slots.join(",")})`;
    });
    await tx.query(`INSERT INTO ${table} (${columns.join(",")}) VALUES ${tuples.join(",")} ${onConflict}`, params);
  }
}
