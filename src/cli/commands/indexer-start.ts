// `gw indexer start`: the indexer and the HTTP API (with the dashboard) in one foreground process. It follows the
// chain, the oracles' epoch results and the gateways' job feeds into PGlite under <home>/indexer/db, or into
// PostgreSQL when --database-url / DATABASE_URL is set, and serves /v1/*, /openapi.json and the dashboard.
import { basename, dirname, join, resolve } from "node:path";
import { createApiApp, createEventHub, publishIndexerChange, startApiServer } from "../../api/index.ts";
import { createChainPublicClient } from "../../chain/index.ts";
import { InvalidInputError } from "../../core/errors.ts";
import { createOracleClient } from "../../economics/index.ts";
import {
  createIndexer,
  type Database,
  openIndexDatabase,
  type Queryable,
  type Row,
  resetIndex,
} from "../../indexer/index.ts";
import { acquireLock } from "../../localnet/index.ts";
import { parseGatewayUrl } from "../../protocol/index.ts";
import { createCoverageClient } from "../../resources/coverage/oracle/index.ts";
import { mountDashboard } from "../../web/index.ts";
import { defineCommand } from "../command.ts";
import { parseIntegerFlag, toJsonLine } from "../format.ts";
import { waitForStopSignal } from "../stop-signal.ts";

const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.filter((v): v is string => typeof v === "string")
    : typeof value === "string"
      ? [value]
      : [];

export function indexerDataDir(home: string): string {
  return join(home, "indexer", "db");
}

export const indexerStartCommand = defineCommand({
  words: ["indexer", "start"],
  summary: "run the indexer and the HTTP API + dashboard",
  usage:
    "[--api-port 8680] [--host 127.0.0.1] [--gateway URL]... [--oracle URL]... [--database-url postgres://…] " +
    "[--data-dir DIR] [--poll-ms 1000] [--batch-blocks 2000] [--confirmations 0] [--reset]",
  options: {
    "api-port": { type: "string" },
    host: { type: "string" },
    gateway: { type: "string", multiple: true },
    oracle: { type: "string", multiple: true },
    "database-url": { type: "string" },
    "data-dir": { type: "string" },
    "poll-ms": { type: "string" },
    "batch-blocks": { type: "string" },
    confirmations: { type: "string" },
    reset: { type: "boolean" },
  },
  async run(ctx, { values }) {
    // Listen before anything starts: a signal that lands between the ready line and the wait must not kill us.
    const stopping = waitForStopSignal();
    const port = parseIntegerFlag(values["api-port"], "api-port", 8680, 0, 65535);
    const pollMs = parseIntegerFlag(values["poll-ms"], "poll-ms", 1000, 10, 600_000);
    const batchBlocks = parseIntegerFlag(values["batch-blocks"], "batch-blocks", 2000, 1, 100_000);
    const confirmations = parseIntegerFlag(values.confirmations, "confirmations", 0, 0, 10_000);
    const host = typeof values.host === "string" && values.host.length > 0 ? values.host : "127.0.0.1";
    const databaseUrl = (values["database-url"] as string | undefined) || ctx.env.DATABASE_URL || undefined;
    if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
      throw new InvalidInputError("the database URL is postgres://user:password@host:port/database");
    }
    const dataDir = (values["data-dir"] as string | undefined) ?? indexerDataDir(ctx.options.home);
    const gateways = list(values.gateway).map((url) => parseGatewayUrl(url).http);
    const oracles = list(values.oracle).map((url) => createOracleClient({ url }));
    // The coverage extension, where an oracle mounts it, serves on the same API.
    const coverage = list(values.oracle).map((url) => createCoverageClient(url));
    const deployment = ctx.deployment();
    const client = createChainPublicClient({
      rpcUrl: deployment.rpcUrl,
      chainId: deployment.chainId,
      batch: true,
      retryCount: 0,
    });

    // PGlite is one process's database: a second indexer on the same folder would corrupt it. The lock file sits
    // beside the folder (DIR.lock), not in it, where PGlite keeps only its own files.
    const lock = databaseUrl
      ? undefined
      : acquireLock(dirname(resolve(dataDir)), basename(resolve(dataDir)), {
          what: "an indexer",
          hint: "Stop it first, or give this one another --data-dir.",
        });
    // The server listens at once and the database opens behind it (PGlite's first start takes a while on a busy
    // machine): requests made meanwhile wait for it instead of failing, and the start line is printed without delay.
    const opening = (async () => {
      const db = await openIndexDatabase(databaseUrl ? { databaseUrl } : { dataDir });
      if (values.reset === true) await resetIndex(db);
      return db;
    })();
    opening.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled meanwhile
    const whenOpen: Queryable = {
      query: async <T extends Row>(sql: string, params?: readonly unknown[]) => (await opening).query<T>(sql, params),
      exec: async (sql: string) => (await opening).exec(sql),
    };
    const hub = createEventHub();
    const app = createApiApp({
      db: whenOpen,
      deployment,
      publicClient: client,
      events: hub,
      log: ctx.log,
      mountStatic: (a) => mountDashboard(a),
    });
    let server: Awaited<ReturnType<typeof startApiServer>>;
    try {
      server = await startApiServer(app, { host, port });
    } catch (error) {
      lock?.release();
      throw error;
    }
    const summary = {
      status: "running",
      url: server.url,
      apiUrl: `${server.url}/v1`,
      dashboardUrl: `${server.url}/`,
      openapiUrl: `${server.url}/openapi.json`,
      database: databaseUrl ? "postgres" : "pglite",
      ...(databaseUrl ? {} : { dataDir }),
    };
    if (ctx.options.json) {
      process.stdout.write(`${toJsonLine(summary)}\n`);
    } else {
      process.stdout.write(
        [
          "Groundwork indexer is running.",
          `  API        ${summary.apiUrl}  (${summary.openapiUrl})`,
          `  dashboard  ${summary.dashboardUrl}`,
          `  database   ${summary.database}${databaseUrl ? "" : ` in ${dataDir}`}`,
          "Ctrl-C stops it.",
          "",
        ].join("\n"),
      );
    }
    let db: Database;
    try {
      db = await opening;
    } catch (error) {
      await server.close();
      lock?.release();
      throw error;
    }
    const indexer = createIndexer({
      db,
      client,
      deployment,
      oracles,
      coverage,
      gateways,
      pollMs,
      batchBlocks,
      confirmations,
      onChange: (change) => publishIndexerChange(hub, change),
      log: ctx.log,
    });
    indexer.start();
    const signal = await stopping;
    ctx.log(`${signal}: stopping`);
    await indexer.stop();
    await server.close();
    await db.close();
    lock?.release();
    return { json: { status: "stopped", signal }, text: "stopped" };
  },
});
