// A provider owner's earnings per posted epoch: emission rewards (the oracles' result, checked against the posted
// root) and voucher revenue (what the escrow paid the owner inside the epoch's window), plus claims so far.
import { toBigInt, toNumber } from "../indexer/index.ts";
import type { ReadContext } from "./read-context.ts";

export async function readEarnings(ctx: ReadContext, owner: string) {
  const { db } = ctx;
  const rows = await db.query(
    `SELECT e.epoch, e.posted_at, o.reward::text AS reward,
            (SELECT COUNT(*) FROM oracle_epochs_fetched f WHERE f.epoch = e.epoch) AS fetched,
            (SELECT COALESCE(SUM(r.provider_amount), 0) FROM redemptions r
              WHERE r.provider = $1
                AND (e.from_block IS NULL OR r.block > e.from_block OR (r.block = e.from_block AND r.log_index > e.from_log))
                AND (r.block < e.block OR (r.block = e.block AND r.log_index <= e.log_index)))::text AS vouchers
       FROM epochs e LEFT JOIN oracle_owner_epochs o ON o.epoch = e.epoch AND o.owner = $1
      ORDER BY e.epoch`,
    [owner],
  );
  const [claimed] = await db.query("SELECT COALESCE(SUM(amount), 0)::text AS total FROM claims WHERE account = $1", [
    owner,
  ]);
  let rewardsTotal = 0n;
  let vouchersTotal = 0n;
  const epochs = rows.map((r) => {
    const fetched = toNumber(r.fetched) > 0;
    // Fetched but absent: the owner earned nothing that epoch.
    const rewards = fetched ? toBigInt(r.reward) : null;
    const vouchers = toBigInt(r.vouchers);
    rewardsTotal += rewards ?? 0n;
    vouchersTotal += vouchers;
    return {
      epoch: toNumber(r.epoch),
      postedAt: toNumber(r.posted_at),
      rewards: rewards === null ? null : rewards.toString(),
      voucherRevenue: vouchers.toString(),
      total: ((rewards ?? 0n) + vouchers).toString(),
    };
  });
  return {
    epochs,
    totals: {
      rewards: rewardsTotal.toString(),
      voucherRevenue: vouchersTotal.toString(),
      total: (rewardsTotal + vouchersTotal).toString(),
      claimed: toBigInt(claimed?.total).toString(),
    },
  };
}
