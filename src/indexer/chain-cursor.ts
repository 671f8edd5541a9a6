// Where the chain follower stands: the last indexed block and its hash, and which deployment the database holds.
import type { Hex } from "viem";
import type { Deployment } from "../chain/index.ts";
import { StateError } from "../core/errors.ts";
import { type Queryable, toNumber } from "./database.ts";

export interface ChainCursor {
  block: number;
  hash: Hex;
}

export async function readChainCursor(db: Queryable, deployment: Deployment): Promise<ChainCursor | undefined> {
  const [row] = await db.query("SELECT chain_id, registry, block, hash FROM chain_cursor WHERE id = 1");
  if (!row) return undefined;
  if (toNumber(row.chain_id) !== deployment.chainId || row.registry !== deployment.contracts.registry.toLowerCase()) {
    throw new StateError("this database indexes another deployment", {
      details: { chainId: toNumber(row.chain_id), registry: row.registry },
      hint: "Point the indexer at an empty database (another --data-dir or DATABASE_URL), or start it with --reset.",
    });
  }
  return { block: toNumber(row.block), hash: String(row.hash) as Hex };
}

export async function writeChainCursor(tx: Queryable, deployment: Deployment, cursor: ChainCursor): Promise<void> {
  await tx.query(
    `INSERT INTO chain_cursor (id, chain_id, registry, block, hash) VALUES (1, $1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET block = EXCLUDED.block, hash = EXCLUDED.hash`,
    [deployment.chainId, deployment.contracts.registry.toLowerCase(), cursor.block, cursor.hash],
  );
}

/** Every table the indexer fills, for --reset. */
export const indexerTables = [
  "chain_cursor",
  "blocks",
  "chain_events",
  "providers",
  "min_stakes",
  "provider_events",
  "redemptions",
  "deposits",
  "token_flows",
  "claims",
  "epochs",
  "oracle_owner_epochs",
  "oracle_node_epochs",
  "oracle_epochs_fetched",
  "gateway_cursors",
  "jobs",
  "job_attempts",
  "gateway_providers",
  "coverage_epochs",
  "coverage_hexes",
  "coverage_hotspots",
  "coverage_witnesses",
] as const;

export async function resetIndex(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }) {
  await db.transaction(async (tx) => {
    for (const table of indexerTables) await tx.query(`DELETE FROM ${table}`);
  });
}
