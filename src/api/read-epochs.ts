// Epochs from the index: each posted root with its window's economics, plus the open epoch (the next to post)
// with what its window holds so far. Newest first.
import { computeRevenueShare } from "../economics/index.ts";
import { type Queryable, type Row, toBigInt, toNumber } from "../indexer/index.ts";
import { decodeCursor, encodeCursor } from "./page-cursor.ts";
import { epochBounds, type ReadContext } from "./read-context.ts";
import type { EpochView } from "./schemas.ts";

const epochColumns = `e.epoch, e.block, e.log_index, e.tx_hash, e.earnings_root, e.emission::text AS emission,
  e.revenue::text AS revenue, e.burned::text AS burned, e.treasury_fees::text AS fees,
  e.treasury_slashes::text AS slashes, e.treasury_other::text AS other, e.signers, e.posted_at, e.from_block,
  (SELECT COUNT(*) FROM oracle_node_epochs n WHERE n.epoch = e.epoch AND NOT n.jailed) AS active,
  (SELECT COUNT(*) FROM oracle_epochs_fetched f WHERE f.epoch = e.epoch) AS fetched`;

function epochView(ctx: ReadContext, r: Row): EpochView {
  const epoch = toNumber(r.epoch);
  const emission = toBigInt(r.emission);
  const revenue = toBigInt(r.revenue);
  const fees = toBigInt(r.fees);
  const slashes = toBigInt(r.slashes);
  const other = toBigInt(r.other);
  return {
    epoch,
    ...epochBounds(ctx.deployment, epoch),
    closed: true,
    postedAt: toNumber(r.posted_at),
    emission: emission.toString(),
    revenue: revenue.toString(),
    burned: toBigInt(r.burned).toString(),
    treasury: {
      total: (fees + slashes + other).toString(),
      fees: fees.toString(),
      slashes: slashes.toString(),
      other: other.toString(),
    },
    revenueShare: computeRevenueShare(revenue, emission),
    root: String(r.earnings_root),
    signers: (r.signers as string[]).map((s) => s.toLowerCase()),
    activeProviders: toNumber(r.fetched) > 0 ? toNumber(r.active) : null,
    block: toNumber(r.block),
    fromBlock: r.from_block === null ? ctx.deployment.deployBlock : toNumber(r.from_block),
    txHash: String(r.tx_hash),
  };
}

/** The open epoch: flows since the last post; its revenue is the vouchers redeemed since then. */
async function openEpoch(ctx: ReadContext): Promise<EpochView> {
  const { db, deployment } = ctx;
  const [last] = await db.query("SELECT epoch, block, log_index FROM epochs ORDER BY epoch DESC LIMIT 1");
  const fromBlock = last ? toNumber(last.block) : deployment.deployBlock;
  const epoch = last ? toNumber(last.epoch) + 1 : 0;
  const after = last ? [toNumber(last.block), toNumber(last.log_index)] : [-1, -1];
  const window = "(block > $1 OR (block = $1 AND log_index > $2))";
  const flows = await db.query(
    `SELECT kind, counterparty, SUM(amount)::text AS total FROM token_flows
      WHERE kind IN ('burn', 'treasury_in') AND ${window} GROUP BY kind, counterparty`,
    after,
  );
  const [paid] = await db.query(`SELECT COALESCE(SUM(paid), 0)::text AS total FROM redemptions WHERE ${window}`, after);
  let burned = 0n;
  let fees = 0n;
  let slashes = 0n;
  let other = 0n;
  for (const f of flows) {
    const total = toBigInt(f.total);
    if (f.kind === "burn") burned += total;
    else if (f.counterparty === deployment.contracts.escrow.toLowerCase()) fees += total;
    else if (f.counterparty === deployment.contracts.registry.toLowerCase()) slashes += total;
    else other += total;
  }
  const revenue = toBigInt(paid?.total);
  return {
    epoch,
    ...epochBounds(deployment, epoch),
    closed: false,
    postedAt: null,
    emission: "0",
    revenue: revenue.toString(),
    burned: burned.toString(),
    treasury: {
      total: (fees + slashes + other).toString(),
      fees: fees.toString(),
      slashes: slashes.toString(),
      other: other.toString(),
    },
    revenueShare: computeRevenueShare(revenue, 0n),
    root: null,
    signers: [],
    activeProviders: null,
    block: null,
    fromBlock,
    txHash: null,
  };
}

export async function listEpochs(
  ctx: ReadContext,
  query: { cursor?: string | undefined; limit: number },
): Promise<{ epochs: EpochView[]; next: string | null }> {
  const key = decodeCursor(query.cursor, ["number"]);
  const epochs: EpochView[] = [];
  // The first page starts with the open epoch.
  if (!key) epochs.push(await openEpoch(ctx));
  const before = key ? (key[0] as number) : Number.MAX_SAFE_INTEGER;
  const rows = await ctx.db.query(
    `SELECT ${epochColumns} FROM epochs e WHERE e.epoch < $1 ORDER BY e.epoch DESC LIMIT $2`,
    [before, query.limit - epochs.length + 1],
  );
  const more = rows.length > query.limit - epochs.length;
  for (const r of rows.slice(0, query.limit - epochs.length)) epochs.push(epochView(ctx, r));
  const last = epochs.at(-1);
  return { epochs, next: more && last ? encodeCursor([last.epoch]) : null };
}

export async function getEpoch(ctx: ReadContext, epoch: number): Promise<EpochView | undefined> {
  const [row] = await ctx.db.query(`SELECT ${epochColumns} FROM epochs e WHERE e.epoch = $1`, [epoch]);
  if (row) return epochView(ctx, row);
  const open = await openEpoch(ctx);
  return open.epoch === epoch ? open : undefined;
}

/** All posted epochs oldest first, for totals and the estimator. */
export async function readPostedEpochs(db: Queryable, last?: number): Promise<Row[]> {
  const rows = await db.query(
    `SELECT epoch, emission::text AS emission, revenue::text AS revenue, burned::text AS burned,
            treasury_fees::text AS fees, treasury_slashes::text AS slashes, treasury_other::text AS other
       FROM epochs ORDER BY epoch DESC ${last ? "LIMIT $1" : ""}`,
    last ? [last] : [],
  );
  return rows.reverse();
}
