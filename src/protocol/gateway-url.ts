// A gateway's two addresses from whatever form a user gives (http(s) or ws(s), with or without a path): the HTTP
// base customers and oracles call, and the WebSocket endpoint providers connect to.
import { InvalidInputError } from "../core/errors.ts";

export interface GatewayUrls {
  /** http(s)://host[:port] */
  http: string;
  /** ws(s)://host[:port]/path, /v1/providers when no path was given. */
  ws: string;
}

export function parseGatewayUrl(raw: string): GatewayUrls {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new InvalidInputError(`invalid gateway URL ${JSON.stringify(raw)}`, {
      cause,
      hint: "Give http://HOST:PORT or ws://HOST:PORT; /v1/providers is added for providers when no path is given.",
    });
  }
  const secure = { "http:": false, "ws:": false, "https:": true, "wss:": true }[url.protocol];
  if (secure === undefined) {
    throw new InvalidInputError(`a gateway URL is http:, https:, ws: or wss:, not ${url.protocol}`);
  }
  const ws = new URL(url.toString());
  ws.protocol = secure ? "wss:" : "ws:";
  if (ws.pathname === "" || ws.pathname === "/") ws.pathname = "/v1/providers";
  return { http: `${secure ? "https:" : "http:"}//${url.host}`, ws: ws.toString() };
}
