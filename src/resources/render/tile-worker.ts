// The body of one render worker thread: one tracer instance, reused for every tile it is given, and the scenes it
// has parsed, kept by hash, so a provider parses a scene once per thread however many tiles of it arrive.
import { parentPort } from "node:worker_threads";
import { createTracer, type PreparedScene, prepareScene, type Tracer } from "./tracer/index.ts";

export interface TileTask {
  id: number;
  sceneHash: string;
  glb: Uint8Array;
  frame: number;
  fps: number;
  width: number;
  height: number;
  spp: number;
  /** A rectangle of the frame, or individual pixels (x0,y0,x1,y1,…): exactly one of the two. */
  rect?: { x: number; y: number; w: number; h: number };
  pixels?: Uint32Array;
  /** Only parse and validate the scene (a gateway's precheck); the reply carries no pixels. */
  prepareOnly?: boolean;
  /**
   * Only time each of these pixel lists (x0,y0,…) traced at one sample per pixel, the least of `passes` tries each
   * (a try the thread was preempted in reads long): the reply's `costs`, in ms, and no pixels.
   */
  probe?: { lists: Uint32Array[]; passes: number };
}

export type TileReply =
  | { type: "ready" }
  | { type: "done"; id: number; rgba: Uint8Array; ms: number; costs?: number[] }
  | { type: "error"; id: number; name: string; message: string; details?: Record<string, unknown> };

/** Parsed scenes kept per thread, most recently used last. */
const keepScenes = 4;

const port = parentPort;
if (port) {
  const scenes = new Map<string, Promise<PreparedScene>>();
  let tracer: Promise<Tracer> | undefined;

  const sceneFor = (task: TileTask): Promise<PreparedScene> => {
    const cached = scenes.get(task.sceneHash);
    if (cached) scenes.delete(task.sceneHash);
    const scene = cached ?? prepareScene(task.glb);
    if (!cached) scene.catch(() => scenes.delete(task.sceneHash));
    scenes.set(task.sceneHash, scene);
    if (scenes.size > keepScenes) scenes.delete(scenes.keys().next().value as string);
    return scene;
  };

  port.on("message", async (task: TileTask) => {
    const started = performance.now();
    try {
      const scene = await sceneFor(task);
      if (task.prepareOnly) {
        port.postMessage({ type: "done", id: task.id, rgba: new Uint8Array(), ms: performance.now() - started });
        return;
      }
      tracer ??= createTracer();
      const t: Tracer = await tracer;
      const frame = { scene, frame: task.frame, fps: task.fps, width: task.width, height: task.height, spp: task.spp };
      if (task.probe) {
        const costs = task.probe.lists.map(() => Number.POSITIVE_INFINITY);
        for (let pass = 0; pass < task.probe.passes; pass++) {
          for (const [i, pixels] of task.probe.lists.entries()) {
            const begun = performance.now();
            t.renderPixels({ ...frame, spp: 1, pixels });
            costs[i] = Math.min(costs[i] as number, performance.now() - begun);
          }
        }
        const reply: TileReply = {
          type: "done",
          id: task.id,
          rgba: new Uint8Array(),
          ms: performance.now() - started,
          costs,
        };
        port.postMessage(reply);
        return;
      }
      const view = task.pixels
        ? t.renderPixels({ ...frame, pixels: task.pixels })
        : t.renderTile({ ...frame, ...(task.rect ?? { x: 0, y: 0, w: task.width, h: task.height }) });
      // A copy of its own: the tracer's bytes may be a view of its WebAssembly memory, which must not be transferred.
      const rgba = view.slice();
      const reply: TileReply = { type: "done", id: task.id, rgba, ms: performance.now() - started };
      port.postMessage(reply, [rgba.buffer as ArrayBuffer]);
    } catch (error) {
      const e = error as Error & { details?: Record<string, unknown> };
      const reply: TileReply = {
        type: "error",
        id: task.id,
        name: e?.name ?? "Error",
        message: e?.message ?? String(error),
        ...(e?.details && typeof e.details === "object" ? { details: JSON.parse(JSON.stringify(e.details)) } : {}),
      };
      port.postMessage(reply);
    }
  });
  port.postMessage({ type: "ready" } satisfies TileReply);
}
