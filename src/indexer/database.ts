// The indexer's one database interface: the same SQL runs on embedded PGlite (default) and on PostgreSQL
// (DATABASE_URL). Rows come back as plain objects; callers cast integers and amounts explicitly, because the two
// drivers return BIGINT differently (number vs string) and NUMERIC as strings.

export type Row = Record<string, unknown>;

export interface Queryable {
  /** One statement with $1… parameters. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `fn` in one transaction: all of its writes land, or none do. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A BIGINT/INT column as a JS number (both drivers; PostgreSQL's int8 arrives as a string). */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") return Number(value);
  return Number.NaN;
}

/** A NUMERIC amount column as bigint. */
export function toBigInt(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === "bigint") return value;
  return BigInt(typeof value === "number" ? Math.trunc(value) : String(value));
}

/** `nullable` numeric/int column as number or null. */
export function toNumberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}
