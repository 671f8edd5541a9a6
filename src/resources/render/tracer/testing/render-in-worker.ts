// Test helper run as a worker thread: prepares the scene it is sent and renders one tile there, so tests can
// compare a worker's bytes with the main thread's.
import { parentPort, workerData } from "node:worker_threads";
import { createTracer } from "../create-tracer.ts";
import { prepareScene } from "../prepare-scene.ts";

const { glb, request } = workerData as { glb: Uint8Array; request: Record<string, number> };
const scene = await prepareScene(glb);
const tracer = await createTracer();
const pixels = tracer.renderTile({ scene, ...request } as Parameters<typeof tracer.renderTile>[0]);
parentPort?.postMessage(pixels);
