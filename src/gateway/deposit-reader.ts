// The gateway's view of customers' escrow deposits: what admits a job, read from the chain and briefly reused.
import type { Hex, PublicClient } from "viem";
import { escrowAbi } from "../chain/index.ts";
import { nextTurn } from "../core/next-turn.ts";

/**
 * Reads customers' escrow deposits, reusing a read for `maxAgeMs` (and sharing one in flight). A read older than that
 * but at most `staleMs` old still answers at once while a fresh read goes out behind it, so a customer whose jobs are
 * seconds apart does not wait on the chain for each (a round trip to a node that was idle costs milliseconds). The
 * deposit falls only through withdrawals, which wait the escrow's withdrawal delay (minutes), and through
 * redemptions of vouchers the customer signed itself: a read at most `staleMs` old admits at most one request before
 * it is refreshed, and every provider is still paid from escrow by vouchers it redeems, never by this check.
 */
export function createDepositReader(params: {
  publicClient: PublicClient;
  escrow: Hex;
  maxAgeMs?: number;
  staleMs?: number;
  now?: () => number;
}): (customer: Hex) => Promise<bigint> {
  const maxAgeMs = params.maxAgeMs ?? 1000;
  const staleMs = Math.max(maxAgeMs, params.staleMs ?? 30_000);
  const now = params.now ?? Date.now;
  const reads = new Map<Hex, { at: number; value: Promise<bigint> }>();
  const refreshing = new Set<Hex>();
  const read = (key: Hex) => ({
    at: now(),
    value: params.publicClient.readContract({
      address: params.escrow,
      abi: escrowAbi,
      functionName: "depositOf",
      args: [key],
    }),
  });
  return (customer) => {
    const key = customer.toLowerCase() as Hex;
    const cached = reads.get(key);
    const age = cached ? now() - cached.at : Number.POSITIVE_INFINITY;
    if (cached && age <= maxAgeMs) return cached.value;
    if (cached && age <= staleMs) {
      if (!refreshing.has(key)) {
        refreshing.add(key);
        // Sent on the next turn of the event loop: encoding the call and opening the request cost the job that
        // asked a millisecond otherwise, and it does not wait for the answer.
        void nextTurn().then(() => {
          const entry = read(key);
          // The stale value keeps answering until the fresh one is in; a failed refresh leaves it to age out.
          entry.value
            .then(
              () => reads.set(key, entry),
              () => {},
            )
            .finally(() => refreshing.delete(key));
        });
      }
      return cached.value;
    }
    const entry = read(key);
    reads.set(key, entry);
    entry.value.catch(() => {
      if (reads.get(key) === entry) reads.delete(key);
    });
    if (reads.size > 10_000) {
      for (const [k, v] of reads) if (now() - v.at > staleMs) reads.delete(k);
    }
    return entry.value;
  };
}
