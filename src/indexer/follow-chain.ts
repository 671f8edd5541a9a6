// One round of chain following: detect a reorg against the stored block hashes (roll back to the common ancestor),
// otherwise read the next block range and write its rows and the new cursor in ONE transaction, so a process killed
// at any point resumes from a cursor that matches exactly the rows it holds.
import type { Hex, PublicClient } from "viem";
import type { Deployment } from "../chain/index.ts";
import { wrapChainError } from "../chain/index.ts";
import { type ChainCursor, readChainCursor, writeChainCursor } from "./chain-cursor.ts";
import { type BlockHeader, getBlockHeader, readChainRange } from "./chain-events.ts";
import { type Database, type Queryable, toNumber } from "./database.ts";
import { type FoldSummary, foldChainEvents, insertBlocks, insertChainEvents } from "./fold-chain.ts";
import { rollBackTo } from "./rollback.ts";

export interface ChainFollowOptions {
  db: Database;
  client: PublicClient;
  deployment: Deployment;
  /** Most blocks read per round. */
  batchBlocks: number;
  /**
   * The span to try this round, learnt from earlier rounds: narrowed when the node refused a range whole or a round
   * brought more than 20k events, doubled back towards batchBlocks after light rounds. Mutated by followChainOnce.
   */
  span?: { blocks: number };
  /** Blocks behind the head left unindexed (0 on a local chain). */
  confirmations: number;
}

export type ChainRound =
  | { kind: "idle"; cursor: ChainCursor; head: number }
  | { kind: "indexed"; cursor: ChainCursor; head: number; fold: FoldSummary }
  | { kind: "reorg"; from: ChainCursor; to: ChainCursor };

async function header(client: PublicClient, n: number): Promise<BlockHeader> {
  try {
    return await getBlockHeader(client, n);
  } catch (error) {
    throw wrapChainError(error, `reading block ${n}`);
  }
}

/** Walks the stored block hashes down from the cursor until one matches the chain: the common ancestor. */
async function findAncestor(options: ChainFollowOptions, below: number): Promise<ChainCursor> {
  const { db, client, deployment } = options;
  let upper = below;
  for (;;) {
    const rows = await db.query("SELECT number, hash FROM blocks WHERE number <= $1 ORDER BY number DESC LIMIT 64", [
      upper,
    ]);
    if (rows.length === 0) break;
    for (const row of rows) {
      const n = toNumber(row.number);
      const onChain = await header(client, n);
      if (onChain.hash === row.hash) return { block: n, hash: onChain.hash };
    }
    upper = toNumber(rows[rows.length - 1]?.number) - 1;
  }
  // Nothing stored survived: start again just before the deployment.
  const start = await header(client, deployment.deployBlock - 1);
  return { block: start.number, hash: start.hash };
}

async function initialCursor(options: ChainFollowOptions): Promise<ChainCursor> {
  const before = Math.max(0, options.deployment.deployBlock - 1);
  const h = await header(options.client, before);
  await options.db.transaction(async (tx) => {
    await writeChainCursor(tx, options.deployment, { block: h.number, hash: h.hash });
    await insertBlocks(tx, [h]);
  });
  return { block: h.number, hash: h.hash };
}

async function rollBack(options: ChainFollowOptions, from: ChainCursor): Promise<ChainRound> {
  const to = await findAncestor(options, from.block);
  await options.db.transaction((tx) => rollBackTo(tx, options.deployment, to));
  return { kind: "reorg", from, to };
}

export async function followChainOnce(options: ChainFollowOptions): Promise<ChainRound> {
  const { db, client, deployment } = options;
  const cursor = (await readChainCursor(db, deployment)) ?? (await initialCursor(options));
  let latest: number;
  try {
    latest = Number(await client.getBlockNumber({ cacheTime: 0 }));
  } catch (error) {
    throw wrapChainError(error, "reading the block number");
  }
  const head = latest - options.confirmations;
  if (head <= cursor.block) {
    // Nothing new, but the chain may have replaced our tip with a same-height or shorter fork.
    const tip = await header(client, Math.min(cursor.block, latest));
    if (tip.number === cursor.block && tip.hash === cursor.hash) return { kind: "idle", cursor, head };
    return rollBack(options, cursor);
  }
  const next = await header(client, cursor.block + 1);
  if (next.parentHash !== cursor.hash) return rollBack(options, cursor);

  const span = options.span ?? { blocks: options.batchBlocks };
  const to = Math.min(head, cursor.block + Math.max(1, Math.min(span.blocks, options.batchBlocks)));
  const range = await readChainRange(client, deployment, cursor.block + 1, to);
  const asked = to - cursor.block;
  // Aim at rounds of at most ~20k events: one transaction stays short, and a kill loses little work.
  if (range.span < asked || range.events.length > 20_000) span.blocks = Math.max(1, Math.min(range.span, asked >> 1));
  else if (range.events.length < 5_000) span.blocks = Math.min(options.batchBlocks, span.blocks * 2);
  // A reorg deeper than the cursor between the check above and the read would mix two histories: check again.
  const tipNow = await header(client, cursor.block);
  if (tipNow.hash !== cursor.hash) return rollBack(options, cursor);
  const first = range.blocks[0];
  if (first && first.number === cursor.block + 1 && first.parentHash !== cursor.hash) return rollBack(options, cursor);

  const end: ChainCursor = { block: range.end.number, hash: range.end.hash as Hex };
  const fold = await db.transaction(async (tx: Queryable) => {
    // The cursor row is re-read inside the transaction: a second indexer on the same database would otherwise
    // fold the same range twice.
    const [row] = await tx.query("SELECT block FROM chain_cursor WHERE id = 1 FOR UPDATE");
    if (!row || toNumber(row.block) !== cursor.block) return undefined;
    await insertBlocks(tx, range.blocks);
    await insertChainEvents(tx, range.events);
    const summary = await foldChainEvents(tx, deployment, range.events);
    await writeChainCursor(tx, deployment, end);
    return summary;
  });
  if (!fold) return { kind: "idle", cursor, head };
  return { kind: "indexed", cursor: end, head, fold };
}
