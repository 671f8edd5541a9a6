// Applies the SQL files in migrations/ in name order, each inside its own transaction together with its row in
// schema_migrations, so a crash leaves every migration applied or not applied, never half.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "./database.ts";

const migrationsDir = join(import.meta.dirname, "migrations");

export interface Migration {
  name: string;
  sql: string;
}

export function listMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
}

/** Brings the schema up to date; returns the names applied now. */
export async function applyMigrations(db: Database, migrations = listMigrations()): Promise<string[]> {
  await db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)");
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.transaction(async (tx) => {
      // Two indexers starting on one PostgreSQL server: the second waits here, then sees the row.
      await tx.query("SELECT pg_advisory_xact_lock(715517)");
      const seen = await tx.query("SELECT 1 FROM schema_migrations WHERE name = $1", [migration.name]);
      if (seen.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query("INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)", [
        migration.name,
        Math.floor(Date.now() / 1000),
      ]);
      return true;
    });
    if (done) applied.push(migration.name);
  }
  return applied;
}
