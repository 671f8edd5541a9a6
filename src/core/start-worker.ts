// Starts a worker thread on a module of this package, whether it runs from TypeScript source (through tsx) or from
// compiled JavaScript: one place for the loader trick every worker-based runtime needs.
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * `moduleUrl` is the worker body's URL as seen from the caller (`new URL("./x.ts", import.meta.url)`); when the
 * caller itself runs as .js, the .js twin of the body is started instead.
 */
export function startModuleWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  const href = moduleUrl.href;
  if (href.endsWith(".ts")) {
    // Node 20 does not apply the parent's `--import tsx` to a worker's entry module, so the worker registers tsx
    // itself before importing its body.
    const tsx = import.meta.resolve("tsx/esm/api");
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(href)}); });`;
    return new Worker(code, { ...options, eval: true });
  }
  return new Worker(moduleUrl, options);
}
