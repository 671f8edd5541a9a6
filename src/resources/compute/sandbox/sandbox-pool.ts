// A fixed set of warm job workers shared by many jobs: a trivial job then costs a message and an instantiate instead of
// a thread start. Every job gets a fresh instance and host; a worker is replaced after a timeout, crash or memory cap.
import { StateError } from "../../../core/errors.ts";
import { SandboxMemoryLimitError, SandboxWorkerError } from "./errors.ts";
import type { JobRequest } from "./execute-job.ts";
import { toJobRequest, type WasiJob, type WasiJobResult } from "./run-job.ts";
import { JobWorkerHandle } from "./worker-handle.ts";

export interface SandboxPoolOptions {
  /** How many jobs run at once (one worker thread each). */
  size: number;
}

export interface SandboxPool {
  readonly size: number;
  /** Runs a job on the next free worker; jobs beyond `size` wait in order. */
  run(job: WasiJob): Promise<WasiJobResult>;
  /** Rejects waiting jobs, stops running ones and terminates every worker. */
  close(): Promise<void>;
}

interface Waiting {
  request: JobRequest;
  resolve: (result: WasiJobResult) => void;
  reject: (error: Error) => void;
}

export function createSandboxPool(options: SandboxPoolOptions): SandboxPool {
  const size = options.size;
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new StateError("a sandbox pool needs a size of at least 1", { details: { size } });
  }
  const live = new Set<JobWorkerHandle>();
  const idle: JobWorkerHandle[] = [];
  const queue: Waiting[] = [];
  let closed = false;

  const closedError = () => new StateError("the sandbox pool is closed");

  function spawn(): void {
    const worker = new JobWorkerHandle();
    live.add(worker);
    worker.ready.then(
      () => release(worker),
      (error: Error) => {
        live.delete(worker);
        // With no worker left to take them, waiting jobs would wait forever: fail them with the start-up error.
        if (live.size === 0) for (const waiting of queue.splice(0)) waiting.reject(error);
      },
    );
  }

  function fill(): void {
    while (!closed && live.size < size) spawn();
  }

  function release(worker: JobWorkerHandle): void {
    if (closed || worker.dead) {
      live.delete(worker);
      void worker.terminate();
      fill();
      return;
    }
    const next = queue.shift();
    if (!next) {
      worker.setIdle(true);
      idle.push(worker);
      return;
    }
    worker.setIdle(false);
    worker.run(next.request).then(
      (result) => {
        next.resolve(result);
        release(worker);
      },
      (error: Error) => {
        // A worker that hit a memory cap or crashed is replaced rather than trusted with the next job; after a
        // timeout it is dead already.
        if (error instanceof SandboxMemoryLimitError || error instanceof SandboxWorkerError) void worker.terminate();
        next.reject(error);
        release(worker);
      },
    );
  }

  return {
    size,
    run(job) {
      if (closed) return Promise.reject(closedError());
      let request: JobRequest;
      try {
        request = toJobRequest(job);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<WasiJobResult>((resolve, reject) => {
        queue.push({ request, resolve, reject });
        fill();
        const worker = idle.shift();
        if (worker) release(worker);
      });
    },
    async close() {
      closed = true;
      for (const waiting of queue.splice(0)) waiting.reject(closedError());
      idle.length = 0;
      const workers = [...live];
      live.clear();
      await Promise.all(workers.map((w) => w.terminate(closedError())));
    },
  };
}
