// The simulated air as a service: one RF world shared by hotspots in separate processes. Each WebSocket client is
// one radio at the coordinates it registers; a transmission is delivered to every registered radio in range with
// the world's RSSI, SNR and time of arrival. Loopback-only by default: it is a simulation, not a network service.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { createRfWorld, type RfWorld } from "../rf-world.ts";
import { type AirServerMessage, airClientMessageSchema, frameFromAir, receptionToAir } from "./air-messages.ts";

export interface AirServer {
  /** ws://host:port */
  url: string;
  world: RfWorld;
  /** Radios registered now. */
  radios(): number;
  close(): Promise<void>;
}

export async function startAirServer(options: {
  host?: string;
  port?: number;
  seed?: string;
  log?: (line: string) => void;
}): Promise<AirServer> {
  const log = options.log ?? (() => {});
  const world = createRfWorld({ seed: options.seed ?? "groundwork-air" });
  const sockets = new Map<string, WebSocket>();
  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" }).end("the air speaks WebSocket\n");
  });
  const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 });
  const send = (ws: WebSocket, message: AirServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  wss.on("connection", (ws) => {
    let id: string | undefined;
    ws.on("message", (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        send(ws, { type: "error", message: "not JSON" });
        return;
      }
      const parsed = airClientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        send(ws, { type: "error", message: `invalid message: ${parsed.error.issues[0]?.message ?? ""}` });
        return;
      }
      const message = parsed.data;
      if (message.type === "register") {
        if (id !== undefined) {
          send(ws, { type: "error", message: "this connection already registered a radio" });
          return;
        }
        // A radio reconnecting under its id replaces its old connection.
        const old = sockets.get(message.id);
        if (old) old.close(4000, "replaced");
        if (world.has(message.id)) world.removeRadio(message.id);
        world.addRadio({ id: message.id, lat: message.lat, lng: message.lng });
        id = message.id;
        sockets.set(id, ws);
        log(`radio ${id.slice(0, 12)} at ${message.lat.toFixed(5)},${message.lng.toFixed(5)} (${world.size} on air)`);
        send(ws, { type: "registered", id, radios: world.size });
        return;
      }
      if (id === undefined) {
        send(ws, { type: "error", message: "register before transmitting" });
        return;
      }
      const deliveries = world.transmit(id, frameFromAir(message.frame), BigInt(message.atNs));
      for (const d of deliveries) {
        const to = sockets.get(d.receiverId);
        if (to) send(to, receptionToAir(d.reception));
      }
    });
    ws.on("close", () => {
      if (id !== undefined && sockets.get(id) === ws) {
        sockets.delete(id);
        world.removeRadio(id);
      }
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://${host.includes(":") ? `[${host}]` : host}:${port}`,
    world,
    radios: () => world.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
