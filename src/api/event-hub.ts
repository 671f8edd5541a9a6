// Fan-out of live index changes to Server-Sent Events clients. The indexer publishes after each commit; a slow
// client never blocks it (each client has a bounded queue and is dropped when it overflows).
import type { z } from "zod";
import type { streamEventSchema } from "./schemas.ts";

export type StreamEvent = z.infer<typeof streamEventSchema>;

export interface EventHub {
  publish(event: StreamEvent): void;
  subscribe(listener: (event: StreamEvent) => void): () => void;
  readonly listeners: number;
}

export function createEventHub(): EventHub {
  const listeners = new Set<(event: StreamEvent) => void>();
  return {
    publish(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get listeners() {
      return listeners.size;
    },
  };
}
