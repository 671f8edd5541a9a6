// PostgreSQL through the `postgres` client (porsager), for DATABASE_URL: the same SQL and migrations as PGlite.
import postgres from "postgres";
import { RemoteError } from "../core/errors.ts";
import type { Database, Queryable, Row } from "./database.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

function wrap(sql: Sql): Queryable {
  return {
    async query<T extends Row>(text: string, params: readonly unknown[] = []) {
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return rows as unknown as T[];
    },
    async exec(text: string) {
      // No parameters: the simple protocol, which accepts several statements.
      await sql.unsafe(text).simple();
    },
  };
}

/** Connects to `url` (postgres://…) and checks the server answers. */
export async function openPostgresDatabase(url: string, options: { max?: number } = {}): Promise<Database> {
  const sql = postgres(url, {
    max: options.max ?? 4,
    onnotice: () => {},
    connect_timeout: 10,
    types: {
      // The indexer passes JSON columns already serialised (as PGlite takes them); the default would quote the
      // string a second time and store a JSON string instead of the array or object.
      json: {
        to: 114,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value)),
        parse: (text: string) => JSON.parse(text),
      },
    },
  });
  try {
    await sql`select 1`;
  } catch (cause) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new RemoteError("cannot reach the PostgreSQL server", {
      cause,
      details: { url: url.replace(/\/\/[^@/]*@/, "//***@") },
      hint: "Check DATABASE_URL (postgres://user:password@host:port/database) and that the server is running.",
    });
  }
  const base = wrap(sql);
  return {
    kind: "postgres",
    ...base,
    transaction: (fn) => sql.begin((tx) => fn(wrap(tx))) as Promise<never>,
    close: () => sql.end({ timeout: 5 }),
  };
}
