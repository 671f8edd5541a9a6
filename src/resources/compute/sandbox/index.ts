// The WebAssembly sandbox that providers run strangers' WASI preview1 programs in: one job per fresh instance, in a
// worker thread, with capped memory, wall-clock time and output, and no file system or network.

export { type CompileSandboxModuleOptions, compileSandboxModule, type SandboxModule } from "./compile-module.ts";
export {
  type JobMetering,
  type PartialJobOutput,
  SandboxInvalidModuleError,
  SandboxLimitError,
  SandboxMemoryLimitError,
  SandboxOutputLimitError,
  SandboxTimeoutError,
  SandboxTrapError,
  SandboxWorkerError,
} from "./errors.ts";
export type { JobLimits } from "./execute-job.ts";
export { type CappedModule, capModuleMemory, capPagesFor, type MemoryInfo, wasmPageBytes } from "./memory-cap.ts";
export { jobProgramName, runWasiJob, type WasiJob, type WasiJobResult } from "./run-job.ts";
export { createSandboxPool, type SandboxPool, type SandboxPoolOptions } from "./sandbox-pool.ts";
export { wasiErrno, wasiPreview1Functions } from "./wasi-preview1.ts";
