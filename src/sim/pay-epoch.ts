// Money for one epoch, through the REAL escrow: honest customers sign cumulative EIP-712 vouchers for the work the
// gateway settled (one per customer and provider owner, as the SDK's payment store would hold after the epoch's
// jobs) and self-dealers sign vouchers to themselves; each owner redeems all of its vouchers in one redeemBatch.
import { encodeFunctionData, type Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { escrowAbi, signVoucher, type Voucher } from "../chain/index.ts";
import type { ChainDriver, MinedReceipt, SentTransaction } from "./chain-driver.ts";
import type { Population, SimOwner } from "./population.ts";

/** Cumulative amounts promised, by customer and then provider owner. */
export type VoucherBook = Map<Hex, Map<Hex, bigint>>;

export function addOwed(book: VoucherBook, customer: Hex, provider: Hex, amount: bigint): void {
  let row = book.get(customer);
  if (!row) {
    row = new Map();
    book.set(customer, row);
  }
  row.set(provider, (row.get(provider) ?? 0n) + amount);
}

export async function payEpoch(
  driver: ChainDriver,
  params: {
    escrow: Hex;
    population: Population;
    /** Cumulative totals owed after this epoch (customers' and self-dealers'). */
    book: VoucherBook;
    /** What was already redeemed, per customer and owner (updated here). */
    redeemed: VoucherBook;
    timestamp: number;
  },
): Promise<MinedReceipt[]> {
  const { population, book, redeemed } = params;
  const domain = { chainId: driver.chainId, escrow: params.escrow };
  const signerOf = new Map<Hex, PrivateKeyAccount>();
  for (const c of population.customers) signerOf.set(c.address, c.account);
  for (const o of population.owners) signerOf.set(o.address, o.account);
  const ownerOf = new Map<Hex, SimOwner>(population.owners.map((o) => [o.address, o]));

  const perOwner = new Map<Hex, { vouchers: Voucher[]; signatures: Hex[] }>();
  for (const [customer, row] of book) {
    for (const [provider, cumulativeAmount] of row) {
      if (cumulativeAmount <= (redeemed.get(customer)?.get(provider) ?? 0n)) continue;
      const signer = signerOf.get(customer);
      if (!signer) continue;
      const voucher: Voucher = { customer, provider, cumulativeAmount };
      const signature = await signVoucher(signer, domain, voucher);
      let batch = perOwner.get(provider);
      if (!batch) {
        batch = { vouchers: [], signatures: [] };
        perOwner.set(provider, batch);
      }
      batch.vouchers.push(voucher);
      batch.signatures.push(signature);
    }
  }
  const sent: SentTransaction[] = [];
  for (const [provider, batch] of perOwner) {
    const owner = ownerOf.get(provider);
    if (!owner) continue;
    sent.push(
      ...(await driver.send(owner.account, [
        {
          to: params.escrow,
          data: encodeFunctionData({
            abi: escrowAbi,
            functionName: "redeemBatch",
            args: [batch.vouchers, batch.signatures],
          }),
          gas: 150_000n + 80_000n * BigInt(batch.vouchers.length),
          label: `owner ${owner.index}: redeemBatch(${batch.vouchers.length})`,
        },
      ])),
    );
    for (const v of batch.vouchers) addOwed(redeemed, v.customer, v.provider, 0n);
    for (const v of batch.vouchers) redeemed.get(v.customer)?.set(v.provider, v.cumulativeAmount);
  }
  if (sent.length === 0) return [];
  return driver.settle(sent, params.timestamp);
}
