// Turns held vouchers into tokens: one escrow.redeemBatch from the owner wallet for every customer with something
// left, when the unredeemed total reaches a threshold or the interval has passed. The chain is the only record of
// what was redeemed, so a restart simply asks it again.
import type { Hex, PublicClient } from "viem";
import { type ChainWallet, escrowAbi, writeContractAndWait } from "../chain/index.ts";
import type { SignedVoucher } from "../protocol/index.ts";
import type { Logger } from "./logger.ts";
import type { ProviderMetrics } from "./provider-metrics.ts";
import type { LastRedeem, VoucherBook } from "./voucher-book.ts";

export interface RedeemerOptions {
  book: VoucherBook;
  publicClient: PublicClient;
  wallet: ChainWallet;
  escrow: Hex;
  /** Redeem as soon as this much (token base units) is unredeemed. */
  minAmount: bigint;
  /** Redeem whatever is left at least this often. */
  intervalMs: number;
  log: Logger;
  metrics: ProviderMetrics;
  now?: () => number;
}

export interface VoucherRedeemer {
  /** Unredeemed amount per customer, as of the last look at the chain. */
  unredeemed(): Record<string, bigint>;
  /** Looks at the chain; redeems if `force` (and anything is left) or if the total reaches the threshold. */
  run(options?: { force?: boolean }): Promise<LastRedeem | undefined>;
  /** Schedules a threshold check soon (after a voucher arrived); calls coalesce. */
  nudge(): void;
  start(): void;
  stop(): Promise<void>;
}

interface Redeemable {
  signed: SignedVoucher;
  left: bigint;
}

export function createVoucherRedeemer(options: RedeemerOptions): VoucherRedeemer {
  const { book, publicClient, wallet, escrow, log, metrics } = options;
  const now = options.now ?? Date.now;
  const owner = wallet.account.address;
  let owed: Record<string, bigint> = {};
  /** What the chain said each customer had redeemed to us, at the last look: it only ever grows. */
  const redeemedSeen = new Map<string, bigint>();
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let nudged: NodeJS.Timeout | undefined;
  let stopped = false;

  async function look(): Promise<Redeemable[]> {
    const vouchers = book.list();
    const rows = await Promise.all(
      vouchers.map(async (signed) => {
        const customer = signed.voucher.customer as Hex;
        const [redeemed, deposit] = await Promise.all([
          publicClient.readContract({
            address: escrow,
            abi: escrowAbi,
            functionName: "redeemed",
            args: [customer, owner],
          }),
          publicClient.readContract({ address: escrow, abi: escrowAbi, functionName: "depositOf", args: [customer] }),
        ]);
        const cumulative = BigInt(signed.voucher.cumulativeAmount);
        redeemedSeen.set(customer, redeemed);
        return { signed, left: cumulative > redeemed ? cumulative - redeemed : 0n, deposit };
      }),
    );
    owed = Object.fromEntries(rows.map((r) => [r.signed.voucher.customer, r.left]));
    const total = rows.reduce((sum, r) => sum + r.left, 0n);
    metrics.vouchersUnredeemedTokens.set(Number(total) / 1e18);
    // A customer with nothing deposited would revert the whole batch (EscrowInsufficientDeposit): wait for a top-up.
    return rows.filter((r) => r.left > 0n && r.deposit > 0n).map(({ signed, left }) => ({ signed, left }));
  }

  async function send(batch: Redeemable[]): Promise<Hex> {
    const receipt = await writeContractAndWait(publicClient, wallet, {
      address: escrow,
      abi: escrowAbi,
      functionName: "redeemBatch",
      args: [
        batch.map(({ signed }) => ({
          customer: signed.voucher.customer as Hex,
          provider: signed.voucher.provider as Hex,
          cumulativeAmount: BigInt(signed.voucher.cumulativeAmount),
        })),
        batch.map(({ signed }) => signed.signature as Hex),
      ],
    });
    return receipt.transactionHash;
  }

  /** The most that can be left to redeem: what the vouchers promise beyond what the chain had redeemed last time. */
  function leftAtMost(): bigint {
    let total = 0n;
    for (const signed of book.list()) {
      const cumulative = BigInt(signed.voucher.cumulativeAmount);
      const redeemed = redeemedSeen.get(signed.voucher.customer) ?? 0n;
      if (cumulative > redeemed) total += cumulative - redeemed;
    }
    return total;
  }

  async function redeemOnce(force: boolean): Promise<LastRedeem | undefined> {
    // A threshold check needs the chain only once the vouchers could add up to the threshold: with a voucher round
    // every second or so, asking every time would cost two calls per customer per round for nothing.
    if (!force && leftAtMost() < options.minAmount) return undefined;
    const ready = await look();
    const total = ready.reduce((sum, r) => sum + r.left, 0n);
    if (ready.length === 0 || (!force && total < options.minAmount)) return undefined;
    let done: Redeemable[] = [];
    let tx: Hex;
    try {
      tx = await send(ready);
      done = ready;
    } catch (error) {
      // One bad voucher reverts the batch: fall back to one at a time so the others still pay.
      log("warn", "batch redemption failed; redeeming one by one", { error: (error as Error).message });
      tx = "0x";
      for (const item of ready) {
        try {
          tx = await send([item]);
          done.push(item);
        } catch (single) {
          log("error", "voucher redemption failed", {
            customer: item.signed.voucher.customer,
            error: (single as Error).message,
          });
        }
      }
      if (done.length === 0) return undefined;
    }
    // What was actually paid may be less than owed (a short deposit): read the chain's own count.
    const before = done.reduce((sum, r) => sum + r.left, 0n);
    const after = await look();
    const leftAfter = done.reduce(
      (sum, r) => sum + (after.find((a) => a.signed.voucher.customer === r.signed.voucher.customer)?.left ?? 0n),
      0n,
    );
    const paid = before - leftAfter;
    metrics.redeemedTokens.inc(Number(paid) / 1e18);
    const record: LastRedeem = {
      at: now(),
      tx,
      amount: paid.toString(),
      customers: done.map((r) => r.signed.voucher.customer),
    };
    await book.recordRedeem(record);
    log("info", "vouchers redeemed", { tx, amount: paid.toString(), vouchers: done.length });
    return record;
  }

  const redeemer: VoucherRedeemer = {
    unredeemed: () => ({ ...owed }),
    run({ force = false } = {}) {
      const next = queue.then(() => redeemOnce(force));
      queue = next.catch(() => undefined);
      return next;
    },
    nudge() {
      if (stopped || nudged) return;
      nudged = setTimeout(() => {
        nudged = undefined;
        redeemer.run().catch((error) => log("error", "redeem check failed", { error: (error as Error).message }));
      }, 50);
    },
    start() {
      const tick = () => {
        if (stopped) return;
        redeemer
          .run({ force: true })
          .catch((error) => log("error", "periodic redemption failed", { error: (error as Error).message }))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, options.intervalMs);
          });
      };
      timer = setTimeout(tick, options.intervalMs);
      // Catch up on anything left from before a restart.
      redeemer.nudge();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (nudged) clearTimeout(nudged);
      await queue;
    },
  };
  return redeemer;
}
