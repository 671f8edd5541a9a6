// The vouchers a provider holds: for each customer, the highest cumulative voucher it signed for this provider's
// owner. Each voucher is checked (names our owner, signed EIP-712 by its customer) before it is kept, and the book
// is written atomically before the delivery is acknowledged in any way, so a kill -9 loses nothing.
import type { Hex } from "viem";
import { z } from "zod";
import { type EscrowDomain, recoverVoucherSigner } from "../chain/index.ts";
import { InvalidInputError } from "../core/errors.ts";
import { readJsonFile, writeJsonAtomicAsync } from "../core/json-file.ts";
import { type SignedVoucher, signedVoucherSchema } from "../protocol/index.ts";

const lastRedeemSchema = z.object({
  at: z.number().int(),
  tx: z.string(),
  /** Gross amount redeemed (before the escrow's split), token base units. */
  amount: z.string(),
  customers: z.array(z.string()),
});
export type LastRedeem = z.infer<typeof lastRedeemSchema>;

const bookSchema = z.object({
  version: z.literal(1),
  vouchers: z.record(z.string(), signedVoucherSchema.extend({ receivedAt: z.number().int() })),
  lastRedeem: lastRedeemSchema.optional(),
});

export class VoucherRejectedError extends InvalidInputError {
  override name = "VoucherRejectedError";
}

export type VoucherOutcome = "kept" | "not-higher";

export interface VoucherBook {
  /** Checks a voucher and keeps it if it is the customer's highest; throws VoucherRejectedError when it is invalid. */
  accept(signed: SignedVoucher): Promise<VoucherOutcome>;
  /** The highest voucher per customer. */
  list(): SignedVoucher[];
  /** Resolves once recorded on disk. */
  recordRedeem(redeem: LastRedeem): Promise<void>;
  lastRedeem(): LastRedeem | undefined;
}

export function createVoucherBook(options: {
  path: string;
  owner: Hex;
  domain: EscrowDomain;
  now?: () => number;
}): VoucherBook {
  const now = options.now ?? Date.now;
  const owner = options.owner.toLowerCase();
  const state = readJsonFile(options.path, bookSchema) ?? { version: 1 as const, vouchers: {} };
  // Writes run one after another, each of the state as it is when it starts, so the last one on disk is the newest;
  // they flush off the event loop, which keeps serving jobs meanwhile.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    const write = saving.then(() => writeJsonAtomicAsync(options.path, state));
    saving = write.catch(() => {});
    return write;
  };
  return {
    async accept(signed) {
      const { voucher, signature } = signed;
      const customer = voucher.customer.toLowerCase() as Hex;
      if (voucher.provider.toLowerCase() !== owner) {
        throw new VoucherRejectedError("voucher pays someone else", {
          details: { provider: voucher.provider, owner },
        });
      }
      const amount = BigInt(voucher.cumulativeAmount);
      if (amount === 0n) throw new VoucherRejectedError("voucher for nothing", { details: { customer } });
      let signer: Hex;
      try {
        signer = await recoverVoucherSigner(
          options.domain,
          { customer, provider: voucher.provider, cumulativeAmount: amount },
          signature as Hex,
        );
      } catch (cause) {
        throw new VoucherRejectedError("voucher signature does not parse", { cause, details: { customer } });
      }
      if (signer.toLowerCase() !== customer) {
        throw new VoucherRejectedError("voucher not signed by its customer", { details: { customer, signer } });
      }
      const held = state.vouchers[customer];
      if (held && BigInt(held.voucher.cumulativeAmount) >= amount) return "not-higher";
      state.vouchers[customer] = {
        voucher: { customer, provider: voucher.provider.toLowerCase() as Hex, cumulativeAmount: amount.toString() },
        signature: signature.toLowerCase(),
        receivedAt: now(),
      };
      await save();
      return "kept";
    },
    list() {
      return Object.values(state.vouchers).map(({ voucher, signature }) => ({ voucher, signature }));
    },
    recordRedeem(redeem) {
      state.lastRedeem = redeem;
      return save();
    },
    lastRedeem() {
      return state.lastRedeem;
    },
  };
}
