// The embedded database: PGlite (Postgres compiled to WASM) in a data folder under the network's home, or in memory.
import { mkdirSync } from "node:fs";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { StateError } from "../core/errors.ts";
import type { Database, Queryable, Row } from "./database.ts";

function wrap(target: PGlite | Transaction): Queryable {
  return {
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      return (await target.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

/** Opens (creating if needed) the PGlite database in `dataDir`; undefined keeps it in memory. */
export async function openPgliteDatabase(dataDir?: string): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir ? { dataDir } : {});
  } catch (cause) {
    throw new StateError("cannot open the embedded database", {
      cause,
      details: { dataDir: dataDir ?? "(memory)" },
      hint: "Another indexer may be using this folder, or it is damaged: stop the other one, or delete the folder to re-index.",
    });
  }
  const base = wrap(db);
  return {
    kind: "pglite",
    ...base,
    // PGlite runs one statement at a time, so a transaction holds the connection until it ends.
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}
