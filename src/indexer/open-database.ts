// Picks the database by configuration: PostgreSQL when a URL is given (DATABASE_URL), else embedded PGlite in a
// data folder; then brings the schema up to date.
import type { Database } from "./database.ts";
import { applyMigrations } from "./migrate.ts";
import { openPgliteDatabase } from "./pglite-database.ts";
import { openPostgresDatabase } from "./postgres-database.ts";

export async function openIndexDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<Database> {
  const db = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl)
    : await openPgliteDatabase(options.dataDir);
  try {
    await applyMigrations(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
