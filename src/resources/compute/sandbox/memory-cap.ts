// Caps a module's linear memory by editing its binary: every memory (defined or imported) gets maximum =
// min(declared maximum, cap), so memory.grow past the cap returns -1 inside wasm instead of taking host memory.
// Only the import and memory sections are re-encoded; every other byte is copied as is.
import { GroundworkError } from "../../../core/errors.ts";
import { SandboxInvalidModuleError, SandboxMemoryLimitError } from "./errors.ts";
import { wasm } from "./wasm-api.ts";

export const wasmPageBytes = 65_536;
/** memory32 cannot address more than 4 GiB, whatever the cap says. */
const maxMemory32Pages = 65_536;

const sectionImport = 2;
const sectionMemory = 5;

const limitsHasMax = 0x01;
const limitsShared = 0x02;
const limitsMemory64 = 0x04;

export interface MemoryInfo {
  /** Set for an imported memory: where the host must provide it. */
  import?: { module: string; name: string };
  initialPages: number;
  /** The maximum after capping (never above the cap). */
  maximumPages: number;
}

export interface CappedModule {
  bytes: Uint8Array;
  capPages: number;
  memories: MemoryInfo[];
}

/** The cap in whole pages for a byte budget. */
export function capPagesFor(memoryBytes: number): number {
  return Math.min(Math.floor(memoryBytes / wasmPageBytes), maxMemory32Pages);
}

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw invalid("unexpected end of module");
    this.offset++;
    return value;
  }

  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffff_ffff) throw invalid("LEB128 value does not fit in 32 bits");
        return result;
      }
    }
    throw invalid("LEB128 value longer than 5 bytes");
  }

  /** Skips a signed LEB128 (heap types in reference types are s33). */
  skipSigned(): void {
    for (let i = 0; i < 10; i++) if ((this.byte() & 0x80) === 0) return;
    throw invalid("LEB128 value too long");
  }

  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw invalid("unexpected end of module");
    const slice = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  name(): string {
    return new TextDecoder("utf-8", { fatal: false }).decode(this.take(this.u32()));
  }
}

class Writer {
  private chunks: number[] = [];
  byte(value: number): void {
    this.chunks.push(value);
  }
  u32(value: number): void {
    let v = value;
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.chunks.push(b);
    } while (v !== 0);
  }
  bytes(data: Uint8Array): void {
    for (const b of data) this.chunks.push(b);
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

function invalid(reason: string): SandboxInvalidModuleError {
  return new SandboxInvalidModuleError(`not a valid WebAssembly module: ${reason}`, {
    hint: "Submit a core WebAssembly module targeting wasm32-wasip1 (WASI preview1).",
  });
}

export function encodeU32(value: number): Uint8Array {
  const w = new Writer();
  w.u32(value);
  return w.finish();
}

/** Reads one memory type's limits and writes them back capped; returns what the memory will look like. */
function capLimits(
  r: Reader,
  w: Writer,
  capPages: number,
  where: string,
): { initialPages: number; maximumPages: number } {
  const flags = r.byte();
  if (flags & limitsMemory64) {
    throw new SandboxInvalidModuleError(`${where} is a 64-bit memory (memory64), which the sandbox does not run`, {
      hint: "Build for wasm32.",
    });
  }
  if (flags & limitsShared) {
    throw new SandboxInvalidModuleError(`${where} is a shared memory (threads), which the sandbox does not run`, {
      hint: "Build without thread support (wasm32-wasip1, not wasm32-wasip1-threads).",
    });
  }
  if (flags & ~limitsHasMax) throw invalid(`${where} has unknown limit flags 0x${flags.toString(16)}`);
  const initialPages = r.u32();
  const declaredMax = flags & limitsHasMax ? r.u32() : undefined;
  if (initialPages > capPages) {
    throw new SandboxMemoryLimitError(
      `${where} starts at ${initialPages} pages (${initialPages * wasmPageBytes} bytes), more than the cap of ${capPages} pages`,
      {
        details: { initialPages, capPages, capBytes: capPages * wasmPageBytes },
        hint: "Raise the job's memory limit or build the program with a smaller initial memory.",
      },
    );
  }
  const maximumPages = declaredMax === undefined ? capPages : Math.min(declaredMax, capPages);
  w.byte(limitsHasMax);
  w.u32(initialPages);
  w.u32(maximumPages);
  return { initialPages, maximumPages };
}

/** Skips a value type, including the two-part (ref null? heaptype) encodings. */
function skipValueType(r: Reader): void {
  const t = r.byte();
  if (t === 0x63 || t === 0x64) r.skipSigned();
}

function rewriteImports(content: Uint8Array, capPages: number, memories: MemoryInfo[]): Uint8Array {
  const r = new Reader(content);
  const w = new Writer();
  const count = r.u32();
  w.u32(count);
  for (let i = 0; i < count; i++) {
    const start = r.offset;
    const module = r.name();
    const name = r.name();
    const kind = r.byte();
    if (kind === 0x02) {
      w.bytes(content.subarray(start, r.offset));
      const limits = capLimits(r, w, capPages, `imported memory ${module}.${name}`);
      memories.push({ import: { module, name }, ...limits });
      continue;
    }
    if (kind === 0x00) r.u32();
    else if (kind === 0x01) {
      skipValueType(r);
      const flags = r.byte();
      r.u32();
      if (flags & limitsHasMax) r.u32();
    } else if (kind === 0x03) {
      skipValueType(r);
      r.byte();
    } else if (kind === 0x04) {
      r.byte();
      r.u32();
    } else throw invalid(`import ${module}.${name} has unknown kind ${kind}`);
    w.bytes(content.subarray(start, r.offset));
  }
  if (r.offset !== content.length) throw invalid("import section has trailing bytes");
  return w.finish();
}

function rewriteMemories(content: Uint8Array, capPages: number, memories: MemoryInfo[]): Uint8Array {
  const r = new Reader(content);
  const w = new Writer();
  const count = r.u32();
  w.u32(count);
  for (let i = 0; i < count; i++) memories.push(capLimits(r, w, capPages, `memory ${i}`));
  if (r.offset !== content.length) throw invalid("memory section has trailing bytes");
  return w.finish();
}

/** Why the engine rejects a module: wasm.validate only says no, the compiler says where and why. */
function compileErrorOf(bytes: Uint8Array): string {
  try {
    new wasm.Module(bytes);
    return "wasm.validate rejected it";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Returns a copy of `bytes` whose memories cannot grow past `capPages`. Refuses modules that are not core wasm, whose
 * initial memory is over the cap, that use memory64 or shared memory, or that have more than one memory (each would
 * get the whole cap).
 */
export function capModuleMemory(bytes: Uint8Array, capPages: number): CappedModule {
  const r = new Reader(bytes);
  const header = r.take(8);
  if (header[0] !== 0x00 || header[1] !== 0x61 || header[2] !== 0x73 || header[3] !== 0x6d) {
    throw invalid("missing the \\0asm magic number");
  }
  if (header[4] !== 1 || header[5] !== 0 || header[6] !== 0 || header[7] !== 0) {
    throw new SandboxInvalidModuleError("not a core WebAssembly module (a component, or an unknown version)", {
      details: { version: Array.from(header.subarray(4)) },
      hint: "Submit a core module built for wasm32-wasip1; components (WASI preview2) are not supported.",
    });
  }
  const parts: Uint8Array[] = [header];
  const memories: MemoryInfo[] = [];
  while (r.offset < bytes.length) {
    const start = r.offset;
    const id = r.byte();
    const size = r.u32();
    const content = r.take(size);
    if (id !== sectionImport && id !== sectionMemory) {
      parts.push(bytes.subarray(start, r.offset));
      continue;
    }
    const rewritten =
      id === sectionImport ? rewriteImports(content, capPages, memories) : rewriteMemories(content, capPages, memories);
    parts.push(Uint8Array.of(id), encodeU32(rewritten.length), rewritten);
  }
  if (memories.length > 1) {
    throw new SandboxInvalidModuleError(`the module has ${memories.length} memories; the sandbox runs at most one`, {
      hint: "Build without the multi-memory feature.",
    });
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  if (!wasm.validate(out)) {
    if (wasm.validate(bytes)) {
      throw new GroundworkError("capping the module's memory produced an invalid module", {
        hint: "This is a sandbox bug; please report it with the module.",
      });
    }
    throw invalid(compileErrorOf(bytes));
  }
  return { bytes: out, capPages, memories };
}
