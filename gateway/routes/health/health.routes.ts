import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";

export const healthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    database: z.enum(["ok", "unreachable"]),
  })
  .openapi("Health");

export const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Liveness and database reachability",
  description: "Runs a trivial query as the caller (anon without a token), so it also proves the role switch works.",
  security: [],
  responses: {
    200: { description: "The gateway and its database answer", content: { "application/json": { schema: healthSchema } } },
    401: errorResponse("A bearer token was sent but is not valid"),
    503: { description: "The database does not answer", content: { "application/json": { schema: healthSchema } } },
  },
});

export type HealthRoute = typeof health;
