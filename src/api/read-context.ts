// What every read needs: the database, the deployment (epoch schedule, addresses) and the indexed head's time,
// which decides who is jailed "now" exactly as the registry would at that block.
import type { Deployment } from "../chain/index.ts";
import { resourceTypeId } from "../chain/index.ts";
import { type Queryable, toNumber } from "../indexer/index.ts";
import { resourceTypes } from "../resources/index.ts";

export interface ReadContext {
  db: Queryable;
  deployment: Deployment;
}

export interface IndexedHead {
  block: number;
  timestamp: number;
}

export async function readIndexedHead(db: Queryable): Promise<IndexedHead> {
  const [row] = await db.query(
    "SELECT c.block, COALESCE(b.timestamp, 0) AS timestamp FROM chain_cursor c LEFT JOIN blocks b ON b.number = c.block",
  );
  return row ? { block: toNumber(row.block), timestamp: toNumber(row.timestamp) } : { block: 0, timestamp: 0 };
}

const typeNames = new Map([...resourceTypes.keys()].map((name) => [resourceTypeId(name).toLowerCase(), name]));

/** A type id as its name when this build knows it. */
export function resourceTypeName(id: string): string {
  return typeNames.get(id.toLowerCase()) ?? id;
}

/** A type name (or id) as the on-chain id. */
export function resourceTypeKey(nameOrId: string): string {
  if (/^0x[0-9a-fA-F]{64}$/.test(nameOrId)) return nameOrId.toLowerCase();
  return resourceTypeId(nameOrId).toLowerCase();
}

export function epochBounds(deployment: Deployment, epoch: number): { start: number; end: number } {
  const start = deployment.epoch.genesisTime + epoch * deployment.epoch.duration;
  return { start, end: start + deployment.epoch.duration };
}

export function currentEpochAt(deployment: Deployment, timestamp: number): number {
  if (timestamp < deployment.epoch.genesisTime) return 0;
  return Math.floor((timestamp - deployment.epoch.genesisTime) / deployment.epoch.duration);
}
