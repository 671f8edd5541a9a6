// A hand-written WASI preview1 host for strangers' programs: argv and env as given, stdin from a buffer, stdout and
// stderr captured under one hard cap, clocks and randomness metered, and no file system, sockets or host fds at all.
// Not node:wasi: it can neither feed stdin from a buffer nor cap output, and it hands the guest real host fds.
import { randomFillSync } from "node:crypto";
import type { WasmMemory } from "./wasm-api.ts";

export const wasiModuleName = "wasi_snapshot_preview1";

/** WASI errno values (preview1 `errno` enum) that this host returns. */
export const wasiErrno = {
  success: 0,
  acces: 2,
  badf: 8,
  fault: 21,
  inval: 28,
  nosys: 52,
  notdir: 54,
  notsup: 58,
  spipe: 70,
  notcapable: 76,
} as const;

const stdinFd = 0;
const stdoutFd = 1;
const stderrFd = 2;

const filetypeCharacterDevice = 2;
const rightFdRead = 1n << 1n;
const rightFdWrite = 1n << 6n;
const rightPollFdReadwrite = 1n << 27n;

const clockRealtime = 0;
const clockMonotonic = 1;
const clockProcessCputime = 2;
const clockThreadCputime = 3;
const subscriptionClockAbstime = 1;
const eventTypeClock = 0;
const eventTypeFdRead = 1;

export interface WasiHostOptions {
  /** The whole argv, argv[0] included. */
  args: string[];
  /** `KEY=VALUE` strings. */
  env: string[];
  stdin: Uint8Array;
  /** Cap on stdout and stderr together; one byte more stops the program. */
  outputBytes: number;
}

/** How `_start` ended when it did not trap: an exit code (0 when `_start` returned) or the output cap. */
export type WasiRunOutcome = { kind: "exited"; exitCode: number } | { kind: "output-limit" };

/**
 * Thrown through the guest's frames to stop it (proc_exit, output cap). Private so no host code can mistake it for an
 * error of its own; the stop reason is also recorded on the host, because a module using wasm exception handling
 * can catch any JS exception with catch_all, and then the recorded reason still wins.
 */
class WasiStop {
  constructor(readonly outcome: WasiRunOutcome) {}
}

/** A byte buffer that doubles as it fills, so small outputs stay small and big ones are copied O(log n) times. */
class OutputBuffer {
  private bytes: Uint8Array;
  length = 0;

  /** `limit`: the buffer never grows past it (the output cap), so a 600 MB output under a 1 GB cap takes 600 MB. */
  constructor(private readonly limit: number) {
    this.bytes = new Uint8Array(Math.min(4096, limit));
  }

  append(data: Uint8Array): void {
    const needed = this.length + data.length;
    if (needed > this.bytes.length) {
      let size = Math.max(this.bytes.length, 1);
      while (size < needed) size *= 2;
      size = Math.max(needed, Math.min(size, this.limit));
      const grown = new Uint8Array(size);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(data, this.length);
    this.length = needed;
  }

  /** A view of what was written; its ArrayBuffer can be transferred to another thread without a copy. */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

function encodeStrings(strings: string[]): { encoded: Uint8Array[]; size: number } {
  const encoder = new TextEncoder();
  const encoded = strings.map((s) => encoder.encode(`${s}\0`));
  return { encoded, size: encoded.reduce((n, e) => n + e.length, 0) };
}

type HostFunction = (...args: never[]) => number;

export class WasiPreview1Host {
  readonly stdout: OutputBuffer;
  readonly stderr: OutputBuffer;
  /** Names of refused path_* / sock_* calls, each once, in order of first use. */
  readonly refusedCapabilities: string[] = [];
  usedRandomness = false;
  usedClock = false;

  private memory: WasmMemory | undefined;
  private view = new DataView(new ArrayBuffer(0));
  private stdinOffset = 0;
  private readonly closed = new Set<number>();
  private stopped: WasiRunOutcome | undefined;
  private readonly args: { encoded: Uint8Array[]; size: number };
  private readonly env: { encoded: Uint8Array[]; size: number };
  private readonly startedAt = process.hrtime.bigint();
  private readonly realtimeBase = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

  constructor(private readonly options: WasiHostOptions) {
    this.stdout = new OutputBuffer(options.outputBytes);
    this.stderr = new OutputBuffer(options.outputBytes);
    this.args = encodeStrings(options.args);
    this.env = encodeStrings(options.env);
  }

  /** The memory the guest exports (or imports); WASI calls before this fail with EFAULT. */
  bindMemory(memory: WasmMemory): void {
    this.memory = memory;
  }

  /** Runs `_start` and tells how it ended; a trap or any other error propagates. */
  run(start: () => unknown): WasiRunOutcome {
    try {
      start();
    } catch (error) {
      if (this.stopped) return this.stopped;
      if (error instanceof WasiStop) return error.outcome;
      throw error;
    }
    return this.stopped ?? { kind: "exited", exitCode: 0 };
  }

  /** Bytes written by the guest so far, stdout and stderr together. */
  get outputLength(): number {
    return this.stdout.length + this.stderr.length;
  }

  /** The import object's `wasi_snapshot_preview1` namespace. */
  get imports(): Record<string, HostFunction> {
    const fns: Record<string, HostFunction> = {
      args_get: (argv: number, buf: number) => this.writeStrings(this.args.encoded, argv, buf),
      args_sizes_get: (count: number, size: number) => this.writeSizes(this.args, count, size),
      environ_get: (environ: number, buf: number) => this.writeStrings(this.env.encoded, environ, buf),
      environ_sizes_get: (count: number, size: number) => this.writeSizes(this.env, count, size),
      clock_res_get: (id: number, out: number) => this.clockResGet(id, out),
      clock_time_get: (id: number, _precision: bigint, out: number) => this.clockTimeGet(id, out),
      fd_write: (fd: number, iovs: number, count: number, out: number) => this.fdWrite(fd, iovs, count, out),
      fd_read: (fd: number, iovs: number, count: number, out: number) => this.fdRead(fd, iovs, count, out),
      fd_close: (fd: number) => this.fdClose(fd),
      fd_fdstat_get: (fd: number, out: number) => this.fdFdstatGet(fd, out),
      fd_filestat_get: (fd: number, out: number) => this.fdFilestatGet(fd, out),
      fd_prestat_get: () => wasiErrno.badf,
      fd_prestat_dir_name: () => wasiErrno.badf,
      fd_seek: (fd: number) => this.onStdio(fd, wasiErrno.spipe),
      fd_tell: (fd: number) => this.onStdio(fd, wasiErrno.spipe),
      fd_pread: (fd: number) => this.onStdio(fd, wasiErrno.spipe),
      fd_pwrite: (fd: number) => this.onStdio(fd, wasiErrno.spipe),
      fd_advise: (fd: number) => this.onStdio(fd, wasiErrno.spipe),
      fd_allocate: (fd: number) => this.onStdio(fd, wasiErrno.spipe),
      fd_readdir: (fd: number) => this.onStdio(fd, wasiErrno.notdir),
      fd_datasync: (fd: number) => this.onStdio(fd, wasiErrno.inval),
      fd_sync: (fd: number) => this.onStdio(fd, wasiErrno.inval),
      fd_fdstat_set_flags: (fd: number) => this.onStdio(fd, wasiErrno.notsup),
      fd_fdstat_set_rights: (fd: number) => this.onStdio(fd, wasiErrno.notsup),
      fd_filestat_set_size: (fd: number) => this.onStdio(fd, wasiErrno.inval),
      fd_filestat_set_times: (fd: number) => this.onStdio(fd, wasiErrno.notsup),
      fd_renumber: (fd: number) => this.onStdio(fd, wasiErrno.notsup),
      poll_oneoff: (subs: number, events: number, count: number, out: number) =>
        this.pollOneoff(subs, events, count, out),
      proc_exit: (code: number) => this.stop({ kind: "exited", exitCode: code >>> 0 }),
      proc_raise: () => wasiErrno.nosys,
      sched_yield: () => wasiErrno.success,
      random_get: (buf: number, length: number) => this.randomGet(buf, length),
    };
    // No file system and no network: every path and socket call is refused and noted, and the guest carries on.
    for (const name of refusedCalls) fns[name] = () => this.refuse(name);
    const guarded: Record<string, HostFunction> = {};
    for (const [name, fn] of Object.entries(fns)) guarded[name] = this.guard(fn);
    return guarded;
  }

  /** A bad guest pointer surfaces as a RangeError from DataView or Uint8Array; WASI's answer to that is EFAULT. */
  private guard(fn: HostFunction): HostFunction {
    return (...args: never[]) => {
      if (this.stopped) throw new WasiStop(this.stopped);
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof RangeError) return wasiErrno.fault;
        throw error;
      }
    };
  }

  private stop(outcome: WasiRunOutcome): never {
    this.stopped = outcome;
    throw new WasiStop(outcome);
  }

  private refuse(name: string): number {
    if (!this.refusedCapabilities.includes(name)) this.refusedCapabilities.push(name);
    return wasiErrno.notcapable;
  }

  /** Memory grows under us (memory.grow detaches the old buffer), so views are refreshed on each call. */
  private dv(): DataView {
    if (!this.memory) throw new RangeError("the module has no memory");
    if (this.view.buffer !== this.memory.buffer) this.view = new DataView(this.memory.buffer);
    return this.view;
  }

  private bytesAt(ptr: number, length: number): Uint8Array {
    const buffer = this.dv().buffer;
    return new Uint8Array(buffer, ptr >>> 0, length >>> 0);
  }

  private isStdio(fd: number): boolean {
    return fd >= stdinFd && fd <= stderrFd && !this.closed.has(fd);
  }

  private onStdio(fd: number, errno: number): number {
    return this.isStdio(fd) ? errno : wasiErrno.badf;
  }

  private writeSizes(strings: { encoded: Uint8Array[]; size: number }, countPtr: number, sizePtr: number): number {
    const dv = this.dv();
    dv.setUint32(countPtr >>> 0, strings.encoded.length, true);
    dv.setUint32(sizePtr >>> 0, strings.size, true);
    return wasiErrno.success;
  }

  private writeStrings(encoded: Uint8Array[], pointersPtr: number, bufPtr: number): number {
    const dv = this.dv();
    let at = bufPtr >>> 0;
    encoded.forEach((bytes, i) => {
      dv.setUint32((pointersPtr >>> 0) + i * 4, at, true);
      this.bytesAt(at, bytes.length).set(bytes);
      at += bytes.length;
    });
    return wasiErrno.success;
  }

  private now(id: number): bigint | undefined {
    const hr = process.hrtime.bigint();
    if (id === clockRealtime) return this.realtimeBase + hr;
    if (id === clockMonotonic) return hr;
    // A job has one thread and no way to see other processes, so its CPU clocks count from its own start.
    if (id === clockProcessCputime || id === clockThreadCputime) return hr - this.startedAt;
    return undefined;
  }

  private clockResGet(id: number, out: number): number {
    if (this.now(id) === undefined) return wasiErrno.inval;
    this.dv().setBigUint64(out >>> 0, 1_000n, true);
    return wasiErrno.success;
  }

  private clockTimeGet(id: number, out: number): number {
    const now = this.now(id);
    if (now === undefined) return wasiErrno.inval;
    this.usedClock = true;
    this.dv().setBigUint64(out >>> 0, now, true);
    return wasiErrno.success;
  }

  private randomGet(buf: number, length: number): number {
    this.usedRandomness = true;
    randomFillSync(this.bytesAt(buf, length));
    return wasiErrno.success;
  }

  private iovecs(iovs: number, count: number): Uint8Array[] {
    const dv = this.dv();
    const views: Uint8Array[] = [];
    for (let i = 0; i < count >>> 0; i++) {
      const at = (iovs >>> 0) + i * 8;
      views.push(this.bytesAt(dv.getUint32(at, true), dv.getUint32(at + 4, true)));
    }
    return views;
  }

  private fdWrite(fd: number, iovs: number, count: number, out: number): number {
    if ((fd !== stdoutFd && fd !== stderrFd) || !this.isStdio(fd)) return wasiErrno.badf;
    const target = fd === stdoutFd ? this.stdout : this.stderr;
    let written = 0;
    for (const data of this.iovecs(iovs, count)) {
      const room = this.options.outputBytes - this.outputLength;
      if (data.length > room) {
        // Keep exactly what fits, so the partial output ends at the cap, then stop the program.
        target.append(data.subarray(0, room));
        this.stop({ kind: "output-limit" });
      }
      target.append(data);
      written += data.length;
    }
    this.dv().setUint32(out >>> 0, written, true);
    return wasiErrno.success;
  }

  private fdRead(fd: number, iovs: number, count: number, out: number): number {
    if (fd !== stdinFd || !this.isStdio(fd)) return wasiErrno.badf;
    const stdin = this.options.stdin;
    let read = 0;
    for (const target of this.iovecs(iovs, count)) {
      const chunk = stdin.subarray(this.stdinOffset, this.stdinOffset + target.length);
      target.set(chunk);
      this.stdinOffset += chunk.length;
      read += chunk.length;
      if (chunk.length < target.length) break;
    }
    this.dv().setUint32(out >>> 0, read, true);
    return wasiErrno.success;
  }

  private fdClose(fd: number): number {
    if (!this.isStdio(fd)) return wasiErrno.badf;
    this.closed.add(fd);
    return wasiErrno.success;
  }

  /** fdstat: u8 filetype, u16 flags at 2, u64 rights_base at 8, u64 rights_inheriting at 16. */
  private fdFdstatGet(fd: number, out: number): number {
    if (!this.isStdio(fd)) return wasiErrno.badf;
    const dv = this.dv();
    const at = out >>> 0;
    this.bytesAt(at, 24).fill(0);
    dv.setUint8(at, filetypeCharacterDevice);
    const rights = (fd === stdinFd ? rightFdRead : rightFdWrite) | rightPollFdReadwrite;
    dv.setBigUint64(at + 8, rights, true);
    return wasiErrno.success;
  }

  /** filestat: all zeros (no device, inode, size or times to reveal) except filetype at 16 and nlink at 24. */
  private fdFilestatGet(fd: number, out: number): number {
    if (!this.isStdio(fd)) return wasiErrno.badf;
    const at = out >>> 0;
    this.bytesAt(at, 64).fill(0);
    const dv = this.dv();
    dv.setUint8(at + 16, filetypeCharacterDevice);
    dv.setBigUint64(at + 24, 1n, true);
    return wasiErrno.success;
  }

  /**
   * Enough of poll_oneoff for sleep(): stdio is always ready, so fd subscriptions fire at once; otherwise the worker
   * thread sleeps until the earliest clock subscription (the wall-clock limit still applies, as terminate() ends it).
   * Subscriptions are 48 bytes (userdata, tag at 8, clock id at 16, timeout at 24, flags at 40; fd at 16);
   * events are 32 bytes (userdata, errno at 8, type at 10, nbytes at 16).
   */
  private pollOneoff(subs: number, events: number, count: number, out: number): number {
    const n = count >>> 0;
    if (n === 0) return wasiErrno.inval;
    const dv = this.dv();
    const ready: { userdata: bigint; type: number; errno: number; nbytes: bigint }[] = [];
    let sleepNs: bigint | undefined;
    const clocks: { userdata: bigint; delay: bigint }[] = [];
    for (let i = 0; i < n; i++) {
      const at = (subs >>> 0) + i * 48;
      const userdata = dv.getBigUint64(at, true);
      const tag = dv.getUint8(at + 8);
      if (tag === eventTypeClock) {
        const now = this.now(dv.getUint32(at + 16, true));
        if (now === undefined) {
          ready.push({ userdata, type: tag, errno: wasiErrno.inval, nbytes: 0n });
          continue;
        }
        this.usedClock = true;
        const timeout = dv.getBigUint64(at + 24, true);
        const abs = (dv.getUint16(at + 40, true) & subscriptionClockAbstime) !== 0;
        const delay = abs ? (timeout > now ? timeout - now : 0n) : timeout;
        clocks.push({ userdata, delay });
        if (sleepNs === undefined || delay < sleepNs) sleepNs = delay;
      } else {
        const fd = dv.getUint32(at + 16, true);
        const okay = tag === eventTypeFdRead ? fd === stdinFd : fd === stdoutFd || fd === stderrFd;
        const nbytes =
          tag === eventTypeFdRead
            ? BigInt(this.options.stdin.length - this.stdinOffset)
            : BigInt(this.options.outputBytes - this.outputLength);
        ready.push({
          userdata,
          type: tag,
          errno: okay && this.isStdio(fd) ? wasiErrno.success : wasiErrno.badf,
          nbytes: okay ? nbytes : 0n,
        });
      }
    }
    if (ready.length === 0 && sleepNs !== undefined) {
      const ms = Number(sleepNs / 1_000_000n);
      if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      for (const clock of clocks) {
        if (clock.delay === sleepNs)
          ready.push({ userdata: clock.userdata, type: eventTypeClock, errno: 0, nbytes: 0n });
      }
    }
    ready.forEach((event, i) => {
      const at = (events >>> 0) + i * 32;
      this.bytesAt(at, 32).fill(0);
      dv.setBigUint64(at, event.userdata, true);
      dv.setUint16(at + 8, event.errno, true);
      dv.setUint8(at + 10, event.type);
      dv.setBigUint64(at + 16, event.nbytes, true);
    });
    dv.setUint32(out >>> 0, ready.length, true);
    return wasiErrno.success;
  }
}

/** Calls that would reach the file system or the network: all refused with ENOTCAPABLE. */
const refusedCalls = [
  "path_create_directory",
  "path_filestat_get",
  "path_filestat_set_times",
  "path_link",
  "path_open",
  "path_readlink",
  "path_remove_directory",
  "path_rename",
  "path_symlink",
  "path_unlink_file",
  "sock_accept",
  "sock_recv",
  "sock_send",
  "sock_shutdown",
] as const;

/** Every preview1 function name this host answers (the whole preview1 API). */
export const wasiPreview1Functions: ReadonlySet<string> = new Set(
  Object.keys(new WasiPreview1Host({ args: [], env: [], stdin: new Uint8Array(0), outputBytes: 0 }).imports),
);
