// The OpenAPI 3.1 document, generated from the route table and the zod schemas (zod 4's JSON Schema output).
import { z } from "zod";
import { apiRoutes, type RouteSpec } from "./routes.ts";
import { errorSchema } from "./schemas.ts";

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

function queryParameters(query: z.ZodObject | undefined) {
  if (!query) return [];
  const schema = z.toJSONSchema(query, { io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: "query",
    required: false,
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

export function buildOpenApiDocument(options: { version: string; serverUrl?: string }): Record<string, unknown> {
  const error = {
    description: "error",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
  const paths: Record<string, unknown> = {};
  for (const [id, route] of Object.entries(apiRoutes) as [string, RouteSpec][]) {
    const parameters = [
      ...Object.entries(route.params ?? {}).map(([name, description]) => ({
        name,
        in: "path",
        required: true,
        description,
        schema: { type: "string" },
      })),
      ...queryParameters(route.query),
    ];
    const content = route.stream
      ? { "text/event-stream": { schema: jsonSchema(route.response) } }
      : { "application/json": { schema: jsonSchema(route.response) } };
    paths[route.path] = {
      get: {
        operationId: id,
        summary: route.summary,
        parameters,
        responses: {
          "200": { description: "OK", content },
          "400": error,
          ...(route.params ? { "404": error } : {}),
          "500": error,
        },
      },
    };
  }
  paths["/openapi.json"] = {
    get: {
      operationId: "openapi",
      summary: "this document",
      responses: { "200": { description: "OK", content: { "application/json": { schema: { type: "object" } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Groundwork API",
      version: options.version,
      description:
        "The indexer's read API: providers, jobs, epochs, earnings and network totals. Amounts are decimal strings of token base units (18 decimals).",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: { schemas: { Error: jsonSchema(errorSchema) } },
  };
}
