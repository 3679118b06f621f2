// The gateway's Hono environment: what the app-wide middleware puts on every request's context.
import type { OpenAPIHono, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { CallerVariables } from "../middleware/caller.ts";
import type { DatabaseVariables } from "../middleware/database.ts";
import type { RequestIdVariables } from "../middleware/request-id.ts";
import type { LoggerVariables } from "../middleware/request-logger.ts";
import type { SupabaseVariables } from "../middleware/supabase.ts";

export interface AppEnv {
  Variables: RequestIdVariables & LoggerVariables & CallerVariables & DatabaseVariables & SupabaseVariables;
}

export type AppRouter = OpenAPIHono<AppEnv>;

/** A handler typed from its route definition: params, query, body and every declared response. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
