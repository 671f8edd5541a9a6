// Fetches each posted epoch's published result from the oracles (per owner rewards, per node uptime) and keeps it
// only when its earnings root equals the root posted on chain: the oracle is a source, the chain is the judge.
import type { OracleClient, OracleEpoch } from "../economics/index.ts";
import { type Database, toNumber } from "./database.ts";
import { insertRows } from "./insert-rows.ts";

export interface OracleRound {
  epochs: number[];
}

export async function followOraclesOnce(
  db: Database,
  oracles: readonly OracleClient[],
  log: (line: string) => void,
): Promise<OracleRound> {
  if (oracles.length === 0) return { epochs: [] };
  const pending = await db.query(
    `SELECT e.epoch, e.earnings_root FROM epochs e
       LEFT JOIN oracle_epochs_fetched f ON f.epoch = e.epoch
      WHERE f.epoch IS NULL ORDER BY e.epoch LIMIT 50`,
  );
  const done: number[] = [];
  for (const row of pending) {
    const epoch = toNumber(row.epoch);
    let found: { result: OracleEpoch; source: string } | undefined;
    for (const oracle of oracles) {
      try {
        const result = await oracle.getEpoch(epoch);
        if (!result) continue;
        if (result.earningsRoot?.toLowerCase() !== String(row.earnings_root)) {
          log(`oracle ${oracle.url}: epoch ${epoch} root differs from the posted root; ignored`);
          continue;
        }
        found = { result, source: oracle.url };
        break;
      } catch (error) {
        log(`oracle ${oracle.url}: ${(error as Error).message}`);
      }
    }
    if (!found) continue;
    const { result, source } = found;
    await db.transaction(async (tx) => {
      await insertRows(
        tx,
        "oracle_owner_epochs",
        ["epoch", "owner", "revenue", "work", "liveness", "reward", "cumulative"],
        result.owners.map((o) => [
          epoch,
          o.owner.toLowerCase(),
          o.revenue.toString(),
          o.work.toString(),
          o.liveness.toString(),
          (o.reward ?? o.work + o.liveness).toString(),
          o.cumulative.toString(),
        ]),
        "ON CONFLICT DO NOTHING",
      );
      await insertRows(
        tx,
        "oracle_node_epochs",
        ["epoch", "node_key", "owner", "uptime_bps", "jailed", "slashed"],
        result.nodes.map((n) => [
          epoch,
          n.nodeKey.toLowerCase(),
          n.owner.toLowerCase(),
          n.uptimeBps ?? null,
          n.jailed,
          n.slashed.toString(),
        ]),
        "ON CONFLICT DO NOTHING",
      );
      await tx.query("INSERT INTO oracle_epochs_fetched (epoch, source) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
        epoch,
        source,
      ]);
    });
    done.push(epoch);
  }
  return { epochs: done };
}
