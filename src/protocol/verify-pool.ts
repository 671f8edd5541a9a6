// Verifies envelope signatures on worker threads, so an oracle checking a whole epoch of reports uses every core.
// Ed25519 has no batch verification in node:crypto; splitting the batch across threads is the batching. Node-key
// envelopes travel as bytes (key, signature, signed payload) in transferred buffers: a structured clone of a
// million envelope objects would cost the main thread more than the workers save it.
import { availableParallelism } from "node:os";
import { startModuleWorker } from "../core/start-worker.ts";
import { type Envelope, nodeSignedParts } from "./envelope.ts";

export interface SignatureVerifyPool {
  readonly threads: number;
  /** One boolean per envelope, in order. */
  verify(envelopes: readonly Envelope[]): Promise<boolean[]>;
  close(): Promise<void>;
}

/** One chunk for a worker: packed node-key signatures, and the rest (wallet senders) as envelopes. */
export interface VerifyTask {
  id: number;
  count: number;
  /** Chunk positions of the packed signatures, with 32-byte keys, 64-byte signatures and payloads[ends[k]..ends[k+1]). */
  packed: Uint32Array;
  keys: Uint8Array;
  sigs: Uint8Array;
  payloads: Uint8Array;
  ends: Uint32Array;
  others: [number, Envelope][];
}

/** A worker's answer: 1 for a valid signature, per chunk position. */
export interface VerifyResult {
  id: number;
  valid: Uint8Array;
}

/** Packs envelopes[start, end) for a worker; signatures that cannot be valid are left out (answered false). */
function packTask(id: number, envelopes: readonly Envelope[], start: number, end: number): VerifyTask {
  const packed: number[] = [];
  const parts: { publicKey: Uint8Array; payload: Uint8Array; signature: Uint8Array }[] = [];
  const others: [number, Envelope][] = [];
  let payloadBytes = 0;
  for (let i = start; i < end; i++) {
    const envelope = envelopes[i] as Envelope;
    const p = nodeSignedParts(envelope);
    if (p === "invalid") continue;
    if (p === undefined) {
      others.push([i - start, envelope]);
      continue;
    }
    packed.push(i - start);
    parts.push(p);
    payloadBytes += p.payload.length;
  }
  const keys = new Uint8Array(32 * parts.length);
  const sigs = new Uint8Array(64 * parts.length);
  const payloads = new Uint8Array(payloadBytes);
  const ends = new Uint32Array(parts.length + 1);
  parts.forEach((p, k) => {
    keys.set(p.publicKey, 32 * k);
    sigs.set(p.signature, 64 * k);
    payloads.set(p.payload, ends[k] as number);
    ends[k + 1] = (ends[k] as number) + p.payload.length;
  });
  return { id, count: end - start, packed: Uint32Array.from(packed), keys, sigs, payloads, ends, others };
}

export function createSignatureVerifyPool(options: { threads?: number; chunk?: number } = {}): SignatureVerifyPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const chunk = Math.max(1, options.chunk ?? 2_000);
  type Waiting = { resolve: (valid: Uint8Array) => void; reject: (error: unknown) => void };
  const body = new URL(import.meta.url.endsWith(".ts") ? "./verify-worker.ts" : "./verify-worker.js", import.meta.url);
  const workers = Array.from({ length: threads }, () => {
    const worker = startModuleWorker(body, { execArgv: [] });
    const waiting = new Map<number, Waiting>();
    const ready = new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
    });
    worker.on("message", (m: Partial<VerifyResult>) => {
      if (m.id === undefined || !m.valid) return;
      waiting.get(m.id)?.resolve(m.valid);
      waiting.delete(m.id);
    });
    // A worker that dies fails its pending chunks instead of leaving the caller waiting for ever.
    const fail = (error: unknown) => {
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`signature verify worker exited (${code})`)));
    return { worker, ready, waiting };
  });
  let nextId = 0;
  const run = (w: (typeof workers)[number], task: VerifyTask) =>
    new Promise<Uint8Array>((resolve, reject) => {
      w.waiting.set(task.id, { resolve, reject });
      const buffers = [task.packed, task.keys, task.sigs, task.payloads, task.ends].map((a) => a.buffer as ArrayBuffer);
      w.worker.postMessage(task, buffers);
    });
  return {
    threads,
    async verify(envelopes) {
      await Promise.all(workers.map((w) => w.ready));
      const valid = new Array<boolean>(envelopes.length).fill(false);
      let next = 0;
      // Each worker keeps two chunks queued, so it verifies one while this thread packs its next.
      const feed = (w: (typeof workers)[number]) =>
        new Promise<void>((resolve, reject) => {
          let inFlight = 0;
          const pump = () => {
            while (inFlight < 2 && next < envelopes.length) {
              const start = next;
              const end = Math.min(envelopes.length, start + chunk);
              next = end;
              inFlight++;
              run(w, packTask(nextId++, envelopes, start, end)).then((answer) => {
                answer.forEach((ok, i) => {
                  valid[start + i] = ok === 1;
                });
                inFlight--;
                pump();
              }, reject);
            }
            if (inFlight === 0 && next >= envelopes.length) resolve();
          };
          pump();
        });
      await Promise.all(workers.map(feed));
      return valid;
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
