// The admitted providers, by node key, with what the job engine needs to choose among them: which can take a job
// (type offered, offer accepts the spec, quote within the customer's maximum, not tried yet), ranked by price, then
// reputation, then load; and a way to wait until capacity frees up or a provider joins. Reputation is per node key
// and outlives reconnects and, through the reputation book, gateway restarts.
import type { Hex } from "viem";
import type { AnyResourceType } from "../resources/index.ts";
import type { ProviderSession } from "./provider-session.ts";
import { createReputationBook, type Reputation, type ReputationBook } from "./reputation-book.ts";

export interface Candidate {
  session: ProviderSession;
  offer: unknown;
  quote: bigint;
}

export interface CandidateQuery {
  type: AnyResourceType;
  spec: unknown;
  maxPrice: bigint;
  /** Node keys already tried for this job. */
  exclude: ReadonlySet<Hex>;
}

export interface ProviderPool {
  /** Adds an admitted session; returns the session it replaced for the same node key, if any. */
  add(session: ProviderSession): ProviderSession | undefined;
  remove(session: ProviderSession): void;
  get(nodeKey: Hex): ProviderSession | undefined;
  list(): ProviderSession[];
  reputation(nodeKey: Hex): Reputation;
  recordSuccess(nodeKey: Hex): void;
  recordFailure(nodeKey: Hex): void;
  /** Free candidates, best first, and how many more match but are at capacity now. */
  findCandidates(query: CandidateQuery): { free: Candidate[]; busy: number };
  /** Resolves when capacity may have changed (a slot freed, a provider joined), or false after `timeoutMs`. */
  waitForChange(timeoutMs: number): Promise<boolean>;
  /** Wakes the waiters: called when a slot frees or a provider joins. */
  notifyChange(): void;
}

/** `reputations`: where reputation is kept; default in memory only. */
export function createProviderPool(
  reputations: Pick<ReputationBook, "get" | "recordSuccess" | "recordFailure"> = createReputationBook({
    store: { readReputation: () => ({}), writeReputation: () => {} },
  }),
): ProviderPool {
  const sessions = new Map<Hex, ProviderSession>();
  let waiters: (() => void)[] = [];
  const reputation = (nodeKey: Hex): Reputation => reputations.get(nodeKey);

  const pool: ProviderPool = {
    add(session) {
      const previous = sessions.get(session.nodeKey);
      sessions.set(session.nodeKey, session);
      pool.notifyChange();
      return previous;
    },
    remove(session) {
      if (sessions.get(session.nodeKey) === session) sessions.delete(session.nodeKey);
    },
    get: (nodeKey) => sessions.get(nodeKey),
    list: () => [...sessions.values()],
    reputation,
    recordSuccess: (nodeKey) => reputations.recordSuccess(nodeKey),
    recordFailure: (nodeKey) => reputations.recordFailure(nodeKey),
    findCandidates({ type, spec, maxPrice, exclude }) {
      const free: (Candidate & { score: number; load: number })[] = [];
      let busy = 0;
      for (const session of sessions.values()) {
        if (!session.open || exclude.has(session.nodeKey) || !session.offers.has(type.name)) continue;
        const offer = session.offers.get(type.name);
        if (!type.accepts(offer, spec)) continue;
        const quote = type.quote(offer, spec);
        if (quote > maxPrice) continue;
        if (session.running >= session.capacity) {
          busy++;
          continue;
        }
        free.push({
          session,
          offer,
          quote,
          score: reputation(session.nodeKey).score,
          load: session.running / session.capacity,
        });
      }
      free.sort(
        (a, b) =>
          (a.quote < b.quote ? -1 : a.quote > b.quote ? 1 : 0) ||
          b.score - a.score ||
          a.load - b.load ||
          (a.session.nodeKey < b.session.nodeKey ? -1 : 1),
      );
      return { free: free.map(({ session, offer, quote }) => ({ session, offer, quote })), busy };
    },
    waitForChange(timeoutMs) {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== wake);
          resolve(false);
        }, timeoutMs);
        waiters.push(wake);
      });
    },
    notifyChange() {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
  return pool;
}
