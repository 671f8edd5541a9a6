// Simulated time in milliseconds. Every signed message, every freshness check and every block timestamp of the
// simulation reads this clock, so an epoch of minutes runs in seconds and a seed replays exactly.
export interface SimClock {
  now(): number;
  /** Moves the clock to `ms`; it never goes back. */
  set(ms: number): void;
}

export function createSimClock(startMs: number): SimClock {
  let current = startMs;
  return {
    now: () => current,
    set(ms) {
      if (ms > current) current = ms;
    },
  };
}
