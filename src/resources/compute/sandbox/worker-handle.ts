// One job worker thread seen from the provider's side: start it, hand it a job under a wall-clock limit, and kill it
// (worker.terminate) when the job runs over, so a guest that spins forever never blocks the provider's event loop.
import type { ResourceLimits, Worker } from "node:worker_threads";
import type { GroundworkError } from "../../../core/errors.ts";
import { startModuleWorker } from "../../../core/start-worker.ts";
import {
  type PartialJobOutput,
  SandboxInvalidModuleError,
  SandboxMemoryLimitError,
  SandboxOutputLimitError,
  SandboxTimeoutError,
  SandboxTrapError,
  SandboxWorkerError,
} from "./errors.ts";
import type { JobReply, JobRequest, WireError } from "./execute-job.ts";
import type { JobMessage, WorkerMessage } from "./job-worker.ts";

export interface JobOutput {
  exitCode: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
  metering: PartialJobOutput["metering"];
}

/**
 * The worker's JS heap only holds the host's bookkeeping (wasm memory and output buffers live outside it), so a small
 * heap is plenty and caps what a bug in the host could take.
 */
const workerLimits: ResourceLimits = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };

function startWorker(): Worker {
  const options = { execArgv: [], resourceLimits: workerLimits };
  const ts = import.meta.url.endsWith(".ts");
  return startModuleWorker(new URL(ts ? "./job-worker.ts" : "./job-worker.js", import.meta.url), options);
}

function fromWire(wire: WireError, partial: PartialJobOutput | undefined): GroundworkError {
  const options = { details: wire.details, hint: wire.hint, partial };
  switch (wire.name) {
    case "SandboxInvalidModuleError":
      return new SandboxInvalidModuleError(wire.message, options);
    case "SandboxTrapError":
      return new SandboxTrapError(wire.message, options);
    case "SandboxMemoryLimitError":
      return new SandboxMemoryLimitError(wire.message, options);
    case "SandboxOutputLimitError":
      return new SandboxOutputLimitError(wire.message, options);
    default:
      return new SandboxWorkerError(wire.message, options);
  }
}

interface Pending {
  id: number;
  resolve: (output: JobOutput) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class JobWorkerHandle {
  /** Resolves when the worker can take a job; rejects if it could not start. */
  readonly ready: Promise<void>;
  /** Set once the worker was terminated or died; a dead handle takes no more jobs. */
  dead = false;
  private readonly worker: Worker;
  private pending: Pending | undefined;
  private nextId = 1;
  private startFailed: ((error: Error) => void) | undefined;

  constructor() {
    this.worker = startWorker();
    this.ready = new Promise((resolve, reject) => {
      this.startFailed = reject;
      this.worker.once("message", (message: WorkerMessage) => {
        if (message.type === "ready") resolve();
      });
    });
    // Nobody may be waiting on `ready` when a worker dies later; the failure is reported through the job instead.
    this.ready.catch(() => {});
    this.worker.on("message", (message: WorkerMessage) => {
      if (message.type === "reply") this.settle(message.id, message.reply);
    });
    this.worker.on("error", (error: Error & { code?: string }) => {
      const failure =
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new SandboxMemoryLimitError("the job's worker ran out of JS heap", {
              cause: error,
              details: { ...workerLimits },
            })
          : new SandboxWorkerError(`the job's worker failed: ${error.message}`, { cause: error });
      this.fail(failure);
    });
    this.worker.on("exit", (code) => {
      this.fail(new SandboxWorkerError(`the job's worker exited (code ${code})`, { details: { code } }));
    });
  }

  /** Runs one job; rejects with a typed error, SandboxTimeoutError after `limits.wallMs`. */
  run(request: JobRequest): Promise<JobOutput> {
    if (this.dead || this.pending) {
      return Promise.reject(new SandboxWorkerError("internal: job handed to a busy or dead worker"));
    }
    const id = this.nextId++;
    const wallMs = request.limits.wallMs;
    return new Promise<JobOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          new SandboxTimeoutError(`the job ran past its wall-clock limit of ${wallMs} ms`, {
            details: { wallMs },
            hint: "Raise the job's wall-clock limit, or check the program for an endless loop.",
          }),
        );
      }, wallMs);
      this.pending = { id, resolve, reject, timer };
      this.worker.postMessage({ id, request } satisfies JobMessage);
    });
  }

  /** A worker kept idle in a pool should not keep the provider process alive on its own. */
  setIdle(idle: boolean): void {
    if (idle) this.worker.unref();
    else this.worker.ref();
  }

  /** Kills the worker; a job still running on it is rejected with `reason`. */
  async terminate(reason?: Error): Promise<void> {
    this.fail(reason ?? new SandboxWorkerError("the job's worker was terminated"));
    await this.worker.terminate();
  }

  private settle(id: number, reply: JobReply): void {
    const pending = this.pending;
    if (!pending || pending.id !== id) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    if (reply.ok) {
      const { exitCode, stdout, stderr, metering } = reply;
      pending.resolve({ exitCode, stdout, stderr, metering });
    } else pending.reject(fromWire(reply.error, reply.partial));
  }

  private fail(error: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.startFailed?.(error);
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    void this.worker.terminate();
  }
}
