// Runs one job to completion in the current thread: compile (unless precompiled), a fresh instance, `_start`, and a
// reply that is plain data (errors by name), so the job worker can post it back with the output buffers transferred.
import { GroundworkError } from "../../../core/errors.ts";
import { type CompileSandboxModuleOptions, compileSandboxModule, type SandboxModule } from "./compile-module.ts";
import { type JobMetering, type PartialJobOutput, SandboxWorkerError } from "./errors.ts";
import { wasmPageBytes } from "./memory-cap.ts";
import { WasiPreview1Host, wasiModuleName } from "./wasi-preview1.ts";
import { type WasmImports, type WasmMemory, wasm } from "./wasm-api.ts";

export interface JobLimits {
  /** Linear memory cap, rounded down to whole 64 KiB pages. */
  memoryBytes: number;
  /** Wall-clock limit from the moment the job reaches its worker (compile included). */
  wallMs: number;
  /** Cap on stdout and stderr together. */
  outputBytes: number;
}

/** A job as the worker receives it: argv complete, env flattened, inputs already checked. */
export interface JobRequest {
  module: Uint8Array | SandboxModule;
  argv: string[];
  env: string[];
  stdin: Uint8Array;
  limits: JobLimits;
}

export interface WireError {
  name: string;
  message: string;
  details: Record<string, unknown>;
  hint: string | undefined;
}

export type JobReply =
  | { ok: true; exitCode: number; stdout: Uint8Array; stderr: Uint8Array; metering: JobMetering }
  | { ok: false; error: WireError; partial?: PartialJobOutput };

function toWire(error: unknown): WireError {
  const e =
    error instanceof GroundworkError
      ? error
      : new SandboxWorkerError(`the sandbox failed: ${error instanceof Error ? error.message : String(error)}`);
  return { name: e.name, message: e.message, details: e.details, hint: e.hint };
}

/** What a trap says about itself; a stack overflow in wasm surfaces as a JS RangeError rather than a RuntimeError. */
function trapKind(error: unknown): string | undefined {
  if (error instanceof wasm.RuntimeError) return error.message;
  if (error instanceof RangeError && /call stack/i.test(error.message)) return "call stack exhausted";
  return undefined;
}

export async function executeJob(request: JobRequest): Promise<JobReply> {
  const started = performance.now();
  let sandboxModule: SandboxModule;
  let compileMs = 0;
  if (request.module instanceof Uint8Array) {
    try {
      const options: CompileSandboxModuleOptions = { memoryBytes: request.limits.memoryBytes };
      sandboxModule = await compileSandboxModule(request.module, options);
    } catch (error) {
      return { ok: false, error: toWire(error) };
    }
    compileMs = performance.now() - started;
  } else sandboxModule = request.module;

  const host = new WasiPreview1Host({
    args: request.argv,
    env: request.env,
    stdin: request.stdin,
    outputBytes: request.limits.outputBytes,
  });
  const imports: WasmImports = { [wasiModuleName]: host.imports };
  let memory: WasmMemory | undefined;
  const imported = sandboxModule.memories.find((m) => m.import);
  if (imported?.import) {
    memory = new wasm.Memory({ initial: imported.initialPages, maximum: imported.maximumPages });
    host.bindMemory(memory);
    imports[imported.import.module] = { ...imports[imported.import.module], [imported.import.name]: memory };
  }

  const capBytes = sandboxModule.capPages * wasmPageBytes;
  const metering = (): JobMetering => ({
    wallMs: performance.now() - started,
    compileMs,
    memoryPeakBytes: memory?.buffer.byteLength ?? 0,
    refusedCapabilities: [...host.refusedCapabilities],
    usedRandomness: host.usedRandomness,
    usedClock: host.usedClock,
  });
  const partial = (): PartialJobOutput => ({
    stdout: host.stdout.view(),
    stderr: host.stderr.view(),
    metering: metering(),
  });

  try {
    // Instantiation is inside run() because a module's start section executes during it and may already call WASI.
    const outcome = host.run(() => {
      const instance = new wasm.Instance(sandboxModule.module, imports);
      const exported = instance.exports.memory;
      if (!memory && exported instanceof wasm.Memory) {
        memory = exported;
        host.bindMemory(memory);
      }
      (instance.exports._start as () => void)();
    });
    if (outcome.kind === "output-limit") {
      const output = partial();
      return {
        ok: false,
        partial: output,
        error: {
          name: "SandboxOutputLimitError",
          message: `the job wrote more than its output cap of ${request.limits.outputBytes} bytes`,
          details: { outputBytes: request.limits.outputBytes },
          hint: "Raise the job's output limit, or make the program write less.",
        },
      };
    }
    return {
      ok: true,
      exitCode: outcome.exitCode,
      stdout: host.stdout.view(),
      stderr: host.stderr.view(),
      metering: metering(),
    };
  } catch (error) {
    const trap = trapKind(error);
    if (trap === undefined) return { ok: false, error: toWire(error), partial: partial() };
    const output = partial();
    // memory.grow past the cap only returns -1; a program that then traps (abort, unreachable) ran out of memory.
    if (capBytes > 0 && output.metering.memoryPeakBytes >= capBytes) {
      return {
        ok: false,
        partial: output,
        error: {
          name: "SandboxMemoryLimitError",
          message: `the job trapped (${trap}) after its memory reached the cap of ${capBytes} bytes`,
          details: { trap, capBytes, memoryPeakBytes: output.metering.memoryPeakBytes },
          hint: "Raise the job's memory limit, or make the program use less memory.",
        },
      };
    }
    return {
      ok: false,
      partial: output,
      error: { name: "SandboxTrapError", message: `wasm trap: ${trap}`, details: { trap }, hint: undefined },
    };
  }
}
