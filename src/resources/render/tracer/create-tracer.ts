// Instantiates the committed tracer.wasm in the current thread and wraps it as a Tracer. The instance keeps the
// last (scene, frame, fps) loaded, so the many tiles of one frame share one upload and one BVH build.
import { readFileSync } from "node:fs";
import { frameBuffer } from "./frame-buffer.ts";
import { checkPixels, type FrameSettings, parseFrameSettings, parseTile } from "./render-request.ts";
import { SceneError } from "./scene-error.ts";
import type { PixelsRequest, PreparedScene, TileRequest, Tracer } from "./types.ts";

interface TracerExports {
  memory: { buffer: ArrayBuffer };
  reserve(bytes: number): number;
  loadScene(bytes: number): number;
  scratch(bytes: number): number;
  renderTile(width: number, height: number, spp: number, x: number, y: number, w: number, h: number, out: number): void;
  renderPixels(width: number, height: number, spp: number, count: number, coords: number, out: number): void;
}

// The lib settings (es2023, node types) carry no WebAssembly declarations.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

export const TRACER_WASM_URL = new URL("./tracer.wasm", import.meta.url);

let compiled: object | undefined;

function compile(): object {
  if (compiled) return compiled;
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) throw new Error("this runtime has no WebAssembly");
  compiled = new api.Module(readFileSync(TRACER_WASM_URL));
  return compiled;
}

/** A tracer backed by one WebAssembly instance in this thread (put it in a worker to render in parallel). */
export async function createTracer(): Promise<Tracer> {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly as WebAssemblyApi;
  const wasm = new api.Instance(compile(), {}).exports as TracerExports;
  let loaded = "";

  const load = (scene: PreparedScene, settings: FrameSettings): void => {
    const key = `${scene.sceneHash}/${settings.frame}/${settings.fps}`;
    if (key === loaded) return;
    loaded = "";
    const bytes = frameBuffer(scene, settings.frame, settings.fps);
    const at = wasm.reserve(bytes.byteLength);
    new Uint8Array(wasm.memory.buffer, at, bytes.byteLength).set(bytes);
    const status = wasm.loadScene(bytes.byteLength);
    if (status !== 0) throw new SceneError("tracer rejected the scene buffer", { details: { status } });
    loaded = key;
  };

  return {
    renderTile(request: TileRequest): Uint8Array {
      const settings = parseFrameSettings(request);
      const { x, y, w, h } = parseTile(request, settings);
      load(request.scene, settings);
      const out = wasm.scratch(w * h * 4);
      wasm.renderTile(settings.width, settings.height, settings.spp, x, y, w, h, out);
      return new Uint8Array(wasm.memory.buffer, out, w * h * 4).slice();
    },
    renderPixels(request: PixelsRequest): Uint8Array {
      const settings = parseFrameSettings(request);
      const pixels = checkPixels(request.pixels, settings);
      load(request.scene, settings);
      const count = pixels.length / 2;
      const coords = wasm.scratch(count * 12);
      new Uint32Array(wasm.memory.buffer, coords, count * 2).set(pixels);
      const out = coords + count * 8;
      wasm.renderPixels(settings.width, settings.height, settings.spp, count, coords, out);
      return new Uint8Array(wasm.memory.buffer, out, count * 4).slice();
    },
  };
}
