// Signs a simulation's reports on worker threads while the simulation goes on: a million Ed25519 signatures are
// most of a large epoch's simulation time. Each worker gets the hotspots' key seeds once; then batches of (hotspot,
// type, time, body) go out as JSON and come back as nonce and signature. The envelope is the protocol's own
// (signEnvelopeSync in the worker); with no threads it is signed here, inline.
import { startModuleWorker } from "../../../core/start-worker.ts";
import { type Envelope, signEnvelopeSync } from "../../../protocol/index.ts";
import type { SimHotspot } from "./hotspot-population.ts";

export interface ReportSigner {
  /** The envelope at once; its nonce and signature are filled in by the time `flush` resolves. */
  sign<T>(hotspot: SimHotspot, type: string, body: T, ts: number): Envelope<T>;
  /** Waits while too many batches are out, so unsigned reports do not pile up in memory. */
  backpressure(): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** To a worker: the key seeds once, then batches of [hotspot index, type, ts, body]. */
export type SignWorkerMessage = { seeds: Uint8Array } | { id: number; batch: string };

/** From a worker: per report, 32 hex of nonce then 128 hex of signature. */
export interface SignWorkerResult {
  id: number;
  signatures: string;
}

const BATCH = 1_000;

export function createReportSigner(hotspots: readonly SimHotspot[], threads: number): ReportSigner {
  if (threads < 1) {
    return {
      sign: (h, type, body, ts) => signEnvelopeSync(h.key, { type, body }, ts),
      backpressure: async () => {},
      flush: async () => {},
      close: async () => {},
    };
  }
  const seeds = new Uint8Array(32 * hotspots.length);
  hotspots.forEach((h, i) => {
    seeds.set(h.keySeed, 32 * i);
  });
  const body = new URL(
    import.meta.url.endsWith(".ts") ? "./report-sign-worker.ts" : "./report-sign-worker.js",
    import.meta.url,
  );
  let failure: unknown;
  const workers = Array.from({ length: threads }, () => {
    const worker = startModuleWorker(body, { execArgv: [] });
    worker.postMessage({ seeds } satisfies SignWorkerMessage);
    const waiting = new Map<number, Envelope[]>();
    worker.on("message", (m: SignWorkerResult) => {
      const envelopes = waiting.get(m.id) ?? [];
      waiting.delete(m.id);
      envelopes.forEach((e, k) => {
        e.nonce = m.signatures.slice(160 * k, 160 * k + 32);
        e.sig = `0x${m.signatures.slice(160 * k + 32, 160 * k + 160)}`;
      });
      settle();
    });
    const fail = (error: unknown) => {
      failure ??= error;
      settle();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (waiting.size > 0) fail(new Error(`report signing worker exited (${code})`));
    });
    return { worker, waiting };
  });
  let listeners: (() => void)[] = [];
  const settle = () => {
    const now = listeners;
    listeners = [];
    for (const l of now) l();
  };
  const outstanding = () => workers.reduce((n, w) => n + w.waiting.size, 0);
  const waitUntil = async (done: () => boolean) => {
    while (!done() && failure === undefined) await new Promise<void>((resolve) => listeners.push(resolve));
    if (failure !== undefined) throw failure;
  };
  let batch: unknown[] = [];
  let envelopes: Envelope[] = [];
  let nextId = 0;
  const indexOf = new Map(hotspots.map((h, i) => [h, i]));
  const send = () => {
    if (batch.length === 0) return;
    const w = workers.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    const id = nextId++;
    w.waiting.set(id, envelopes);
    w.worker.postMessage({ id, batch: JSON.stringify(batch) } satisfies SignWorkerMessage);
    batch = [];
    envelopes = [];
  };
  return {
    sign(h, type, reportBody, ts) {
      const envelope = { v: 1 as const, type, from: h.nodeKey, ts, nonce: "", body: reportBody, sig: "" };
      batch.push([indexOf.get(h), type, ts, reportBody]);
      envelopes.push(envelope);
      if (batch.length >= BATCH) send();
      return envelope;
    },
    backpressure: () => waitUntil(() => outstanding() <= 3 * threads),
    async flush() {
      send();
      await waitUntil(() => outstanding() === 0);
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
