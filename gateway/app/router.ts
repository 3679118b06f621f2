import { OpenAPIHono } from "@hono/zod-openapi";
import { validationHook } from "../errors/handlers.ts";
import type { AppEnv, AppRouter } from "./types.ts";

/** A route area's router: typed with the app's context, validation failures as the /v1 envelope. */
export function createRouter(): AppRouter {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
