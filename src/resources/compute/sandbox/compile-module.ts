// Turns untrusted bytes into a compiled, memory-capped module the sandbox knows how to run, or says exactly why not.
// Used inside the job worker for each job, and by callers who compile once to run the same module many times.
import { SandboxInvalidModuleError } from "./errors.ts";
import { capModuleMemory, capPagesFor, type MemoryInfo } from "./memory-cap.ts";
import { wasiModuleName, wasiPreview1Functions } from "./wasi-preview1.ts";
import { type WasmModule, wasm } from "./wasm-api.ts";

/** A module ready to run: compiled after its memory was capped. Plain data, so it can be posted to a worker. */
export interface SandboxModule {
  readonly kind: "sandbox-module";
  readonly module: WasmModule;
  /** The memory cap baked into the module; jobs running it must allow at least this much. */
  readonly capPages: number;
  readonly memories: readonly MemoryInfo[];
}

export interface CompileSandboxModuleOptions {
  /** The memory cap in bytes, rounded down to whole 64 KiB pages. */
  memoryBytes: number;
}

/** The one memory import we satisfy, for toolchains that link with --import-memory. */
const importedMemory = { module: "env", name: "memory" };

/** Refuses, before anything runs, a module that imports what we do not provide or has no `_start`. */
export function checkModuleInterface(module: WasmModule): void {
  const unsupported = wasm.Module.imports(module)
    .filter((i) =>
      i.kind === "function"
        ? i.module !== wasiModuleName || !wasiPreview1Functions.has(i.name)
        : i.kind !== "memory" || i.module !== importedMemory.module || i.name !== importedMemory.name,
    )
    .map((i) => `${i.module}.${i.name} (${i.kind})`);
  if (unsupported.length > 0) {
    throw new SandboxInvalidModuleError(`the module has unsupported imports: ${unsupported.join(", ")}`, {
      details: { unsupported },
      hint: `Only ${wasiModuleName} functions (WASI preview1) and ${importedMemory.module}.${importedMemory.name} can be imported; build for wasm32-wasip1.`,
    });
  }
  const start = wasm.Module.exports(module).find((e) => e.name === "_start");
  if (start?.kind !== "function") {
    throw new SandboxInvalidModuleError("the module does not export a `_start` function", {
      hint: "Submit a WASI command (a program with main), not a library or a reactor module.",
    });
  }
}

export async function compileSandboxModule(
  bytes: Uint8Array,
  options: CompileSandboxModuleOptions,
): Promise<SandboxModule> {
  const capped = capModuleMemory(bytes, capPagesFor(options.memoryBytes));
  let module: WasmModule;
  try {
    module = await wasm.compile(capped.bytes);
  } catch (error) {
    throw new SandboxInvalidModuleError(`the module does not compile: ${(error as Error).message}`, { cause: error });
  }
  checkModuleInterface(module);
  return { kind: "sandbox-module", module, capPages: capped.capPages, memories: capped.memories };
}
