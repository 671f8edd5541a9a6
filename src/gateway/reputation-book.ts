// Provider reputation per node key (successes and failures seen by this gateway), kept across gateway restarts: the
// counts are written to the store as one atomic file a moment after they change, and durably on close.
import type { Hex } from "viem";
import type { GatewayStore, ReputationCounts } from "./gateway-store.ts";

export interface Reputation extends ReputationCounts {
  /** Success ratio with a uniform prior: (successes + 1) / (successes + failures + 2). */
  score: number;
}

export interface ReputationBook {
  get(nodeKey: Hex): Reputation;
  recordSuccess(nodeKey: Hex): void;
  recordFailure(nodeKey: Hex): void;
  /** Writes pending changes durably and stops the timer. */
  close(): void;
}

export function createReputationBook(options: {
  store: Pick<GatewayStore, "readReputation" | "writeReputation">;
  /**
   * How long a change may wait before it is written (default 500 ms). A kill -9 loses at most this much; a write per
   * job would cost every job a file write. Reputation only ranks providers; the oracles keep the durable record.
   */
  flushMs?: number;
  log?: (line: string) => void;
}): ReputationBook {
  const flushMs = options.flushMs ?? 500;
  const counts = new Map<Hex, ReputationCounts>(
    Object.entries(options.store.readReputation()) as [Hex, ReputationCounts][],
  );
  let timer: NodeJS.Timeout | undefined;

  const write = (durable: boolean) => {
    try {
      options.store.writeReputation(Object.fromEntries(counts), durable);
    } catch (error) {
      options.log?.(`cannot save provider reputation: ${(error as Error).message}`);
    }
  };
  const changed = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      write(false);
    }, flushMs);
    timer.unref();
  };
  const entry = (nodeKey: Hex): ReputationCounts => {
    const key = nodeKey.toLowerCase() as Hex;
    let found = counts.get(key);
    if (!found) {
      found = { successes: 0, failures: 0 };
      counts.set(key, found);
    }
    return found;
  };

  return {
    get(nodeKey) {
      const { successes, failures } = counts.get(nodeKey.toLowerCase() as Hex) ?? { successes: 0, failures: 0 };
      return { successes, failures, score: (successes + 1) / (successes + failures + 2) };
    },
    recordSuccess(nodeKey) {
      entry(nodeKey).successes++;
      changed();
    },
    recordFailure(nodeKey) {
      entry(nodeKey).failures++;
      changed();
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      write(true);
    },
  };
}
