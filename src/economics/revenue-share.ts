// The network's health metric: customer revenue ÷ (customer revenue + emissions), per epoch and overall.

export interface RevenueShare {
  /** Four decimal places, e.g. "0.0099"; null when there was neither revenue nor emission. */
  decimal: string | null;
  /** Basis points (floor); null when undefined. */
  bps: number | null;
}

/** revenue ÷ (revenue + emission), floored to a basis point. */
export function computeRevenueShare(revenue: bigint, emission: bigint): RevenueShare {
  const denominator = revenue + emission;
  if (denominator <= 0n) return { decimal: null, bps: null };
  const bps = (revenue * 10_000n) / denominator;
  return { decimal: `${bps / 10_000n}.${(bps % 10_000n).toString().padStart(4, "0")}`, bps: Number(bps) };
}
