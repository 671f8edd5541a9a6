// A RadioDriver on the shared simulated air (air-server.ts): the sim radio of a hotspot in its own process. It
// registers where the radio physically is, puts frames on air at their GPS time, hands on what the air delivers,
// and reconnects (re-registering) when the air restarts.
import WebSocket from "ws";
import { StateError } from "../../../../core/errors.ts";
import type { RadioDriver, RadioFrame, ReceptionListener } from "../radio-driver.ts";
import { wallClockNs } from "../simulated-radio.ts";
import { airServerMessageSchema, frameFromAir, frameToAir } from "./air-messages.ts";

export interface AirRadioOptions {
  /** ws://host:port of the air. */
  url: string;
  /** Where the radio physically is (which need not be where its owner asserts it is). */
  site: { id: string; lat: number; lng: number };
  nowNs?: () => bigint;
  reconnectMs?: number;
  log?: (level: "info" | "warn", message: string, fields?: Record<string, unknown>) => void;
}

export interface AirRadio extends RadioDriver {
  /** Resolves once the radio is registered on the air (the first time). */
  readonly ready: Promise<void>;
  readonly registered: boolean;
}

export function createAirRadio(options: AirRadioOptions): AirRadio {
  const nowNs = options.nowNs ?? wallClockNs;
  const log = options.log ?? (() => {});
  const listeners = new Set<ReceptionListener>();
  let socket: WebSocket | undefined;
  let registered = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  function connect(): void {
    if (closed) return;
    const ws = new WebSocket(options.url, { maxPayload: 64 * 1024 });
    socket = ws;
    ws.on("open", () => {
      ws.send(JSON.stringify({ type: "register", ...options.site }));
    });
    ws.on("message", (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        return;
      }
      const parsed = airServerMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === "registered") {
        registered = true;
        markReady();
        log("info", "radio on the simulated air", { air: options.url, radios: message.radios });
      } else if (message.type === "error") {
        log("warn", "the air refused a message", { message: message.message });
      } else {
        const reception = {
          frame: frameFromAir(message.frame),
          rssiDbm: message.rssiDbm,
          snrDb: message.snrDb,
          timeOfArrivalNs: BigInt(message.timeOfArrivalNs),
        };
        for (const listener of listeners) listener(reception);
      }
    });
    ws.on("error", () => {}); // "close" follows and reconnects
    ws.on("close", () => {
      if (registered) log("warn", "lost the simulated air; reconnecting", { air: options.url });
      registered = false;
      if (!closed) retry = setTimeout(connect, options.reconnectMs ?? 1_000);
    });
  }
  connect();

  return {
    ready,
    get registered() {
      return registered;
    },
    async transmit(frame: RadioFrame) {
      if (closed) throw new StateError("this radio is closed");
      if (frame.atNs !== undefined) {
        const waitMs = Number(frame.atNs - nowNs()) / 1e6;
        if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
      if (!registered || !socket || socket.readyState !== WebSocket.OPEN) {
        throw new StateError("the radio is not on the simulated air", { details: { air: options.url } });
      }
      socket.send(
        JSON.stringify({ type: "transmit", frame: frameToAir(frame), atNs: (frame.atNs ?? nowNs()).toString() }),
      );
    },
    onReceive(listener: ReceptionListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      listeners.clear();
      socket?.close();
    },
  };
}
