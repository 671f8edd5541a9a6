// The dashboard's one door to the API (same origin): JSON GETs with the project's error shape turned into ApiError,
// list pages with cursors, and the live event stream (Server-Sent Events at /v1/events).

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

/** Query string from an object, leaving out empty values. */
export function toQuery(params = {}) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The rows and the next cursor of a list answer: { [name]: rows, next: cursor | null }. */
export function listPage(body, name) {
  return { items: body[name], nextCursor: body.next };
}

export function createApi(base = "", fetchImpl = (...args) => fetch(...args)) {
  async function get(path, params) {
    const response = await fetchImpl(`${base}${path}${toQuery(params)}`, { headers: { accept: "application/json" } });
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { message: text.slice(0, 200) };
    }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }
  /** undefined when the route does not exist (404): optional features such as coverage. */
  async function optional(path, params) {
    try {
      return await get(path, params);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 501)) return undefined;
      throw error;
    }
  }
  return {
    get,
    stats: () => get("/v1/network/stats"),
    epochs: async (params) => listPage(await get("/v1/epochs", params), "epochs"),
    epoch: (epoch) => get(`/v1/epochs/${encodeURIComponent(epoch)}`),
    providers: async (params) => listPage(await get("/v1/providers", params), "providers"),
    provider: (id) => get(`/v1/providers/${encodeURIComponent(id)}`),
    earnings: (id) => get(`/v1/providers/${encodeURIComponent(id)}/earnings`),
    jobs: async (params) => listPage(await get("/v1/jobs", params), "jobs"),
    job: (id) => get(`/v1/jobs/${encodeURIComponent(id)}`),
    estimate: (params) => get("/v1/estimate", params),
    /** Layers other features serve as H3 cells; undefined when the network has none. */
    coverageHexes: (params) => optional("/v1/coverage/hexes", params),
    /** A hotspot's proof-of-coverage verdicts; undefined when no judged epoch has one (or coverage is not served). */
    coverageHotspot: (nodeKey) => optional(`/v1/coverage/hotspots/${encodeURIComponent(nodeKey)}`),
  };
}

/** Every page of a list, following cursors up to `max` rows. */
export async function fetchAll(list, params = {}, max = 10_000) {
  const rows = [];
  let cursor;
  do {
    const page = await list({ ...params, cursor, limit: params.limit ?? 100 });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && rows.length < max);
  return rows;
}

/**
 * Follows /v1/events: every message is {type, data}. Calls onEvent for each and onState with "live" / "offline" /
 * "connecting"; EventSource reconnects on its own after the server or network drops.
 */
export function watchEvents(url, { onEvent, onState }) {
  const source = new EventSource(url);
  const types = ["provider", "job", "epoch", "stats", "coverage"];
  const deliver = (fallbackType) => (message) => {
    let parsed;
    try {
      parsed = JSON.parse(message.data);
    } catch {
      return;
    }
    // Either a plain message {type, data} or a named event whose data is the payload.
    const event =
      parsed && typeof parsed === "object" && "type" in parsed && "data" in parsed
        ? parsed
        : { type: fallbackType, data: parsed };
    if (event.type) onEvent(event);
  };
  source.onmessage = deliver(undefined);
  for (const type of types) source.addEventListener(type, deliver(type));
  source.onopen = () => onState("live");
  source.onerror = () => onState(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
  return () => source.close();
}
