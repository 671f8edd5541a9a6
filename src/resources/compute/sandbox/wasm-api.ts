// The WebAssembly JS API, typed: TypeScript declares it only in its DOM lib, which this Node project does not load,
// and declaring it globally here would clash with a project that later does.

/** A compiled module; opaque (the brand exists only for the type checker). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export type WasmExternKind = "function" | "table" | "memory" | "global" | "tag";

export interface WasmImportDescriptor {
  module: string;
  name: string;
  kind: WasmExternKind;
}

export interface WasmExportDescriptor {
  name: string;
  kind: WasmExternKind;
}

export type WasmImports = Record<string, Record<string, unknown>>;

interface WebAssemblyApi {
  Module: {
    new (bytes: Uint8Array): WasmModule;
    imports(module: WasmModule): WasmImportDescriptor[];
    exports(module: WasmModule): WasmExportDescriptor[];
  };
  Instance: new (module: WasmModule, imports: WasmImports) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  RuntimeError: ErrorConstructor;
  CompileError: ErrorConstructor;
  LinkError: ErrorConstructor;
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
}

export const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
