// A free TCP port on loopback for a process that binds it a moment later. Taken below the kernel's ephemeral range
// where the kernel says what that is: listen(0) hands out ports from that range, and so does every outgoing
// connection for its source port, so a port picked there can be taken by some connection before its server binds it
// (an oracle of a local network once failed to start with EADDRINUSE that way).
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { StateError } from "./errors.ts";

/** Below this lie well-known ports and the defaults of local services (ours: 8545, 8610–8612, 8620, 8680). */
const lowest = 10_000;

/** The first port of the kernel's ephemeral range, where it is readable (Linux). */
function ephemeralStart(): number | undefined {
  try {
    const start = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 0 ? start : undefined;
  } catch {
    return undefined;
  }
}

/** Binds `port` (0: any) and lets it go; the port it had, or undefined when it could not bind. */
function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : undefined));
    });
  });
}

export async function freeLocalPort(host = "127.0.0.1"): Promise<number> {
  const start = ephemeralStart();
  if (start !== undefined && start > lowest + 1_000) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await tryListen(randomInt(lowest, start), host);
      if (port !== undefined) return port;
    }
  }
  const port = await tryListen(0, host);
  if (port === undefined) {
    throw new StateError(`no free TCP port on ${host}`, { hint: "Close some listening programs and try again." });
  }
  return port;
}
