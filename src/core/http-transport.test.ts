// The HTTP transport: bodies and statuses exactly as the server sent them, kept-alive connections reused, an answer cut
// off midway told apart, and an abort that surfaces as fetch's AbortError.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { createHttpTransport } from "./http-transport.ts";

test("sends and receives bytes exactly, reuses the connection, and aborts with an AbortError", async () => {
  const sockets = new Set<unknown>();
  const server = createServer((request, response) => {
    sockets.add(request.socket);
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.url === "/slow") return; // never answers
      if (request.url === "/cut") {
        response.writeHead(200, { "content-type": "application/x-ndjson" });
        response.write("{}\n");
        setTimeout(() => response.destroy(), 20);
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      response.writeHead(request.url === "/missing" ? 404 : 200, { "content-type": "text/plain" });
      response.end(`${request.method} ${request.headers["content-type"] ?? "-"} ${body}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const transport = createHttpTransport();
  try {
    const text = "ünïcödé ".repeat(10_000);
    const chunks: Buffer[] = [];
    const posted = await transport({
      method: "POST",
      url: `${base}/echo`,
      headers: { "content-type": "application/json" },
      body: text,
      onChunk: (chunk, contentType) => {
        assert.equal(contentType, "text/plain");
        chunks.push(chunk);
      },
    });
    const expected = `POST application/json ${text}`;
    assert.deepEqual(posted, { status: 200, ok: true, text: expected, contentType: "text/plain" });
    assert.equal(Buffer.concat(chunks).toString("utf8"), expected, "every chunk was told, in order");
    const missing = await transport({ method: "GET", url: `${base}/missing` });
    assert.deepEqual(missing, { status: 404, ok: false, text: "GET - ", contentType: "text/plain" });
    assert.equal(sockets.size, 1, "both requests on one kept-alive connection");
    // An answer that began and was cut off is told apart from a stale connection (which is safe to send again).
    await assert.rejects(
      transport({ method: "GET", url: `${base}/cut` }),
      (error: Error & { code?: string }) => error.code === "ERR_ANSWER_CUT" && error.cause === undefined,
    );
    await assert.rejects(
      transport({ method: "GET", url: `${base}/slow`, signal: AbortSignal.timeout(100) }),
      (error: Error) => error.name === "AbortError",
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
