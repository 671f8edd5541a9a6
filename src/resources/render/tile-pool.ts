// A fixed set of render worker threads shared by many tiles: each keeps its tracer and parsed scenes warm. Tiles
// beyond the pool's size wait in order; a worker that crashes is replaced and its tile fails with a typed error.
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { GroundworkError, InvalidInputError, StateError } from "../../core/errors.ts";
import { startModuleWorker } from "../../core/start-worker.ts";
import type { TileReply, TileTask } from "./tile-worker.ts";

/** A render worker died or could not start: not the work's fault, so another provider may well succeed. */
export class RenderWorkerError extends GroundworkError {
  override name = "RenderWorkerError";
}

/** The scene could not be parsed or rendered: the work itself is at fault (SceneError and the like). */
export class RenderInputError extends InvalidInputError {
  override name = "RenderInputError";
}

export type TileWork = Omit<TileTask, "id" | "probe">;
export type ProbeWork = Omit<TileTask, "id" | "rect" | "pixels" | "prepareOnly"> & { probe: TileTask["probe"] & {} };

export interface TilePool {
  readonly size: number;
  /** Renders a rectangle or a list of pixels; resolves with RGBA8 bytes and the worker's time in ms. */
  render(work: TileWork): Promise<{ rgba: Uint8Array; ms: number }>;
  /** Times each pixel list traced at one sample per pixel (ms, the least of the passes): a cost estimate. */
  probe(work: ProbeWork): Promise<number[]>;
  close(): Promise<void>;
}

type Done = Extract<TileReply, { type: "done" }>;

interface Waiting {
  work: TileWork | ProbeWork;
  resolve: (reply: Done) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  current: Waiting | undefined;
  dead: boolean;
}

export function createTilePool(options: { size?: number } = {}): TilePool {
  const size = options.size ?? availableParallelism();
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new StateError("a tile pool needs a size of at least 1", { details: { size } });
  }
  const slots = new Set<Slot>();
  const queue: Waiting[] = [];
  let nextId = 1;
  let closed = false;
  const bodyUrl = new URL(import.meta.url.endsWith(".ts") ? "./tile-worker.ts" : "./tile-worker.js", import.meta.url);

  function spawn(): void {
    // The heap cap bounds what a hostile scene can make the parser allocate: past it only this worker dies.
    const worker = startModuleWorker(bodyUrl, { execArgv: [], resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    const slot: Slot = { worker, ready: false, current: undefined, dead: false };
    slots.add(slot);
    const fail = (error: Error) => {
      if (slot.dead) return;
      slot.dead = true;
      slots.delete(slot);
      slot.current?.reject(error);
      slot.current = undefined;
      void worker.terminate();
      if (closed) return;
      // A worker that never started means none will: fail the waiting tiles instead of spinning.
      if (!slot.ready && slots.size === 0) for (const w of queue.splice(0)) w.reject(error);
      else pump();
    };
    worker.on("message", (reply: TileReply) => {
      if (reply.type === "ready") {
        slot.ready = true;
        pump();
        return;
      }
      const current = slot.current;
      slot.current = undefined;
      if (!current) return;
      if (reply.type === "done") current.resolve(reply);
      else {
        current.reject(
          new RenderInputError(reply.message, {
            details: { error: reply.name, ...(reply.details ?? {}) },
            hint: "Check the scene: a .glb (glTF 2.0 binary) within the renderer's limits.",
          }),
        );
      }
      pump();
    });
    worker.on("error", (error) =>
      fail(new RenderWorkerError(`a render worker failed: ${error.message}`, { cause: error })),
    );
    worker.on("exit", (code) => fail(new RenderWorkerError(`a render worker exited (code ${code})`)));
  }

  function pump(): void {
    if (closed) return;
    for (const slot of slots) {
      if (!slot.ready || slot.dead || slot.current) continue;
      const next = queue.shift();
      if (!next) break;
      slot.current = next;
      slot.worker.ref();
      const task: TileTask = { ...next.work, id: nextId++ };
      slot.worker.postMessage(task);
    }
    // Idle workers must not keep a process alive; a starting one must while work waits for it.
    for (const slot of slots) {
      if (slot.current || (!slot.ready && queue.length > 0)) slot.worker.ref();
      else slot.worker.unref();
    }
    // Grow only as far as the waiting work needs: every worker costs a thread start and a tracer compile.
    let free = 0;
    for (const slot of slots) if (!slot.current && !slot.dead) free++;
    for (let missing = queue.length - free; missing > 0 && slots.size < size; missing--) spawn();
  }

  const submit = (work: TileWork | ProbeWork): Promise<Done> => {
    if (closed) return Promise.reject(new StateError("the tile pool is closed"));
    return new Promise((resolve, reject) => {
      queue.push({ work, resolve, reject });
      pump();
    });
  };

  return {
    size,
    async render(work) {
      const { rgba, ms } = await submit(work);
      return { rgba, ms };
    },
    async probe(work) {
      const { costs } = await submit(work);
      return costs ?? [];
    },
    async close() {
      closed = true;
      const error = new StateError("the tile pool is closed");
      for (const w of queue.splice(0)) w.reject(error);
      const all = [...slots];
      slots.clear();
      for (const slot of all) {
        slot.dead = true;
        slot.current?.reject(error);
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
