// Work that must not sit on a message's path (a log line, a journal record, a second check) waits for the next turn
// of the event loop: every write queued in this turn (an assignment, an answer) is on the wire by then.

/** Resolves on the next turn of the event loop, after the current turn's I/O and promise callbacks. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
