// Test support: a real PostgreSQL server for the indexer's tests. GW_TEST_DATABASE_URL (or DATABASE_URL) names an
// existing server, in which a fresh database is created per use; otherwise a throwaway cluster is made with the
// installed binaries (initdb + pg_ctl, Debian's /usr/lib/postgresql/*/bin) in a temp folder on a free port. As root
// (CI), the cluster runs as the `postgres` user (or `nobody`): PostgreSQL refuses to run as root.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { freePort } from "./processes.ts";

export interface TestPostgres {
  /** A database of its own on the server. */
  url: string;
  /** Where it came from, for the test's log. */
  source: string;
  stop(): Promise<void>;
}

/** The bin folder of the newest installed PostgreSQL, if any. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

function runAs(user: string | undefined, bin: string, args: string[]): void {
  const [command, argv] = user ? ["runuser", ["-u", user, "--", bin, ...args]] : [bin, args];
  execFileSync(command, argv as string[], { stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
}

function userExists(name: string): boolean {
  try {
    execFileSync("id", ["-u", name], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function createDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gw_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await again.end();
    },
  };
}

/** A PostgreSQL database for one test file; undefined (with the reason) when no server can be had. */
export async function startTestPostgres(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestPostgres | { unavailable: string }> {
  const given = env.GW_TEST_DATABASE_URL || env.DATABASE_URL;
  if (given) {
    const db = await createDatabase(given);
    return { url: db.url, source: "GW_TEST_DATABASE_URL", stop: db.drop };
  }
  const bin = findPostgresBin();
  if (!bin) {
    return {
      unavailable:
        "no PostgreSQL binaries under /usr/lib/postgresql/*/bin and no GW_TEST_DATABASE_URL: install the `postgresql` package (`.ci/run` does) or point GW_TEST_DATABASE_URL at a server",
    };
  }
  const isRoot = process.getuid?.() === 0;
  const user = isRoot ? (userExists("postgres") ? "postgres" : "nobody") : undefined;
  const dir = mkdtempSync(join(tmpdir(), "gw-pg-"));
  const data = join(dir, "data");
  if (user) {
    const uid = Number(execFileSync("id", ["-u", user]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", user]).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const port = await freePort();
  try {
    runAs(user, join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    runAs(user, join(bin, "pg_ctl"), [
      "-D",
      data,
      "-w",
      "-t",
      "60",
      "-l",
      join(dir, "server.log"),
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "start",
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not start a PostgreSQL test cluster with ${bin}: ${(error as Error).message}`);
  }
  const db = await createDatabase(`postgres://postgres@127.0.0.1:${port}/postgres`);
  return {
    url: db.url,
    source: `${bin} (temporary cluster on port ${port})`,
    async stop() {
      await db.drop();
      try {
        runAs(user, join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
