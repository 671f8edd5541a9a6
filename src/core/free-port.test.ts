// Free ports are bindable and, where the kernel names its ephemeral range, below it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { test } from "node:test";
import { freeLocalPort } from "./free-port.ts";

test("a free port can be bound, and lies outside the ephemeral range that outgoing connections draw from", async () => {
  let ephemeralStart: number | undefined;
  try {
    ephemeralStart = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
  } catch {
    ephemeralStart = undefined; // not Linux: any free port will do
  }
  const ports = await Promise.all(Array.from({ length: 20 }, () => freeLocalPort()));
  for (const port of ports) {
    assert.ok(Number.isInteger(port) && port > 0 && port < 65_536, String(port));
    if (ephemeralStart !== undefined && ephemeralStart > 11_000) {
      assert.ok(port >= 10_000 && port < ephemeralStart, `${port} is below ${ephemeralStart} and at least 10000`);
    }
  }
  const port = ports[0] as number;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  // While it is taken, it is never handed out again.
  const again = await Promise.all(Array.from({ length: 50 }, () => freeLocalPort()));
  assert.ok(!again.includes(port));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
