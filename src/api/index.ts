// The HTTP API over the index: routes, their zod schemas, the OpenAPI document and the live event stream.
export { type ApiAppOptions, apiVersion, createApiApp, NotFoundError } from "./api-app.ts";
export { type ApiServer, publishIndexerChange, startApiServer } from "./api-server.ts";
export { createEventHub, type EventHub, type StreamEvent } from "./event-hub.ts";
export { buildOpenApiDocument } from "./openapi.ts";
export { apiRoutes, type RouteSpec } from "./routes.ts";
export * as apiSchemas from "./schemas.ts";
