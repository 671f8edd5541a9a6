// Replay protection: a message is accepted once, and only while fresh. Remembers (sender, nonce) for the freshness
// window; older entries are dropped, so memory stays bounded by the message rate times the window.
export interface ReplayGuard {
  /** Returns false when this (sender, nonce) was already seen inside the window. Records it otherwise. */
  accept(sender: string, nonce: string, timestampMs: number): boolean;
  readonly windowMs: number;
}

export function createReplayGuard(options: { windowMs: number; now?: () => number }): ReplayGuard {
  const now = options.now ?? Date.now;
  const seen = new Map<string, number>(); // key → message timestamp; insertion order ≈ arrival order
  let lastSweep = now();
  return {
    windowMs: options.windowMs,
    accept(sender, nonce, timestampMs) {
      const t = now();
      if (t - lastSweep > options.windowMs / 4) {
        lastSweep = t;
        for (const [key, ts] of seen) {
          if (t - ts > options.windowMs * 2) seen.delete(key);
        }
      }
      const key = `${sender}/${nonce}`;
      if (seen.has(key)) return false;
      seen.set(key, timestampMs);
      return true;
    },
  };
}
