// EIP-712 payment vouchers: the customer signs the cumulative amount it owes one provider; the Escrow contract
// pays the difference to what that provider already redeemed. One signature covers any number of jobs.
import type { Account, Hex } from "viem";
import { hashTypedData, recoverTypedDataAddress } from "viem";
import { InvalidInputError } from "../core/errors.ts";

export interface Voucher {
  customer: Hex;
  provider: Hex;
  cumulativeAmount: bigint;
}

export interface EscrowDomain {
  chainId: number;
  escrow: Hex;
}

const voucherTypes = {
  Voucher: [
    { name: "customer", type: "address" },
    { name: "provider", type: "address" },
    { name: "cumulativeAmount", type: "uint256" },
  ],
} as const;

function domainOf(d: EscrowDomain) {
  return { name: "Groundwork Escrow", version: "1", chainId: d.chainId, verifyingContract: d.escrow } as const;
}

export function voucherDigest(domain: EscrowDomain, voucher: Voucher): Hex {
  return hashTypedData({ domain: domainOf(domain), types: voucherTypes, primaryType: "Voucher", message: voucher });
}

export async function signVoucher(account: Account, domain: EscrowDomain, voucher: Voucher): Promise<Hex> {
  if (!account.signTypedData)
    throw new InvalidInputError("this account cannot sign typed data", { hint: "Use a local (private key) account." });
  return account.signTypedData({
    domain: domainOf(domain),
    types: voucherTypes,
    primaryType: "Voucher",
    message: voucher,
  });
}

export async function recoverVoucherSigner(domain: EscrowDomain, voucher: Voucher, signature: Hex): Promise<Hex> {
  return recoverTypedDataAddress({
    domain: domainOf(domain),
    types: voucherTypes,
    primaryType: "Voucher",
    message: voucher,
    signature,
  });
}
