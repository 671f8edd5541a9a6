// Undoes a chain reorganisation: deletes every chain-derived row above the common ancestor, rebuilds provider
// state and min stakes from the events that remain, and moves the cursor back, all in the caller's transaction.
import type { Hex } from "viem";
import type { Deployment } from "../chain/index.ts";
import { writeChainCursor } from "./chain-cursor.ts";
import type { Queryable } from "./database.ts";
import { foldRegistryEvents, readStoredEvents } from "./fold-chain.ts";

const byBlock = ["chain_events", "provider_events", "redemptions", "deposits", "token_flows", "claims", "epochs"];

export async function rollBackTo(
  tx: Queryable,
  deployment: Deployment,
  ancestor: { block: number; hash: Hex },
): Promise<void> {
  for (const table of byBlock) await tx.query(`DELETE FROM ${table} WHERE block > $1`, [ancestor.block]);
  await tx.query("DELETE FROM blocks WHERE number > $1", [ancestor.block]);
  for (const table of ["oracle_owner_epochs", "oracle_node_epochs", "oracle_epochs_fetched"]) {
    await tx.query(`DELETE FROM ${table} WHERE epoch NOT IN (SELECT epoch FROM epochs)`);
  }
  // Coverage confirmed by a root that is no longer posted goes with it; coverage without a root stays.
  const unconfirmed =
    "SELECT epoch FROM coverage_epochs WHERE root IS NOT NULL AND epoch NOT IN (SELECT epoch FROM epochs)";
  for (const table of ["coverage_hexes", "coverage_hotspots", "coverage_witnesses", "coverage_epochs"]) {
    await tx.query(`DELETE FROM ${table} WHERE epoch IN (${unconfirmed})`);
  }
  // Provider rows are state, not facts: recompute them from the surviving registry events.
  await tx.query("DELETE FROM providers");
  await tx.query("DELETE FROM min_stakes");
  await tx.query("DELETE FROM provider_events");
  for await (const page of readStoredEvents(tx, { contract: "registry" })) await foldRegistryEvents(tx, page);
  await writeChainCursor(tx, deployment, ancestor);
}
