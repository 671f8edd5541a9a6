// Verifies envelope signatures on worker threads, so an oracle checking a whole epoch of reports uses every core.
// Ed25519 has no batch verification in node:crypto; splitting the batch across threads is the batching.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Envelope } from "./envelope.ts";

export interface SignatureVerifyPool {
  readonly threads: number;
  /** One boolean per envelope, in order. */
  verify(envelopes: readonly Envelope[]): Promise<boolean[]>;
  close(): Promise<void>;
}

function startWorker(): Worker {
  if (import.meta.url.endsWith(".ts")) {
    // From source through tsx: Node 20 does not pass the parent's loader to a worker, so the worker registers it.
    const tsx = import.meta.resolve("tsx/esm/api");
    const body = new URL("./verify-worker.ts", import.meta.url).href;
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(body)}); });`;
    return new Worker(code, { eval: true, execArgv: [] });
  }
  return new Worker(new URL("./verify-worker.js", import.meta.url), { execArgv: [] });
}

export function createSignatureVerifyPool(options: { threads?: number; chunk?: number } = {}): SignatureVerifyPool {
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const chunk = options.chunk ?? 2_000;
  const workers = Array.from({ length: threads }, () => {
    const worker = startWorker();
    const ready = new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
    });
    return { worker, ready };
  });
  const waiting = new Map<number, (valid: boolean[]) => void>();
  for (const { worker } of workers) {
    worker.on("message", (m: { id?: number; valid?: boolean[] }) => {
      if (m.id === undefined || !m.valid) return;
      waiting.get(m.id)?.(m.valid);
      waiting.delete(m.id);
    });
  }
  let nextId = 0;
  return {
    threads,
    async verify(envelopes) {
      await Promise.all(workers.map((w) => w.ready));
      const parts: Promise<boolean[]>[] = [];
      for (let start = 0, k = 0; start < envelopes.length; start += chunk, k++) {
        const id = nextId++;
        const { worker } = workers[k % threads] as (typeof workers)[number];
        parts.push(
          new Promise((resolve) => {
            waiting.set(id, resolve);
            worker.postMessage({ id, envelopes: envelopes.slice(start, start + chunk) });
          }),
        );
      }
      return (await Promise.all(parts)).flat();
    },
    async close() {
      await Promise.all(workers.map(({ worker }) => worker.terminate()));
    },
  };
}
