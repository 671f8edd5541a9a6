// One HTTP exchange over node:http on kept-alive connections. fetch (undici, with WHATWG streams) costs about a
// millisecond more per request on loopback, a tenth of a short job's whole dispatch overhead; clients that sit on a
// job's critical path use this instead. Injectable, so tests can put a transport of their own in its place.
import http from "node:http";
import https from "node:https";

export interface HttpExchange {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborts the exchange: the error is an AbortError, as fetch's is. */
  signal?: AbortSignal;
  /** Told each piece of the body as it arrives, for answers that stream (NDJSON); the reply still has it all. */
  onChunk?: (chunk: Buffer, contentType: string) => void;
}

export interface HttpReply {
  status: number;
  ok: boolean;
  text: string;
  contentType: string;
}

export type HttpTransport = (exchange: HttpExchange) => Promise<HttpReply>;

export function createHttpTransport(): HttpTransport {
  // Kept-alive idle sockets are unreferenced by the agent, so they never hold a process open.
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  return (exchange) =>
    new Promise<HttpReply>((resolve, reject) => {
      const url = new URL(exchange.url);
      const secure = url.protocol === "https:";
      const body = exchange.body === undefined ? undefined : Buffer.from(exchange.body);
      const request = (secure ? https : http).request(
        url,
        {
          method: exchange.method,
          agent: secure ? agents.https : agents.http,
          headers: { ...exchange.headers, ...(body ? { "content-length": String(body.length) } : {}) },
          ...(exchange.signal ? { signal: exchange.signal } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          const contentType = response.headers["content-type"] ?? "";
          response.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            exchange.onChunk?.(chunk, contentType);
          });
          let ended = false;
          // An answer cut off after it began is not a stale connection: the request arrived and may have done its
          // work, so it must not be sent again blindly (no cause: callers look for ECONNRESET in the chain).
          const cut = (reason: string) =>
            reject(
              exchange.signal?.aborted
                ? exchange.signal.reason
                : Object.assign(new Error(`the answer was cut off: ${reason}`), { code: "ERR_ANSWER_CUT" }),
            );
          response.on("error", (error) => cut(error.message));
          response.on("close", () => {
            if (!ended) cut("the connection closed");
          });
          response.on("end", () => {
            ended = true;
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString("utf8");
            resolve({ status, ok: status >= 200 && status < 300, text, contentType });
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
}
