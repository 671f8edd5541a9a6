// JSON over HTTP to gateways and peer oracles, with a deadline. Network failures and timeouts become RemoteError
// (retry later); the status and parsed body come back otherwise, for the caller to judge.
import { RemoteError } from "../../core/errors.ts";

export interface JsonResponse {
  status: number;
  json: unknown;
}

export async function requestJson(
  url: string,
  options: { method?: "GET" | "POST"; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonResponse> {
  try {
    const response = await fetch(url, {
      method: options.method ?? "GET",
      ...(options.body !== undefined
        ? { body: JSON.stringify(options.body), headers: { "content-type": "application/json" } }
        : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  } catch (cause) {
    throw new RemoteError(`${options.method ?? "GET"} ${url} failed`, { cause });
  }
}
