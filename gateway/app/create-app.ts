// The gateway app: the middleware every request passes through, the route areas under /v1, the
// generated OpenAPI document, and the one error path. Tests build the same app (createTestApp).
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { Logger } from "pino";
import postgres from "postgres";
import { sessionChecker } from "../db/sessions.ts";
import { httpErrors } from "../errors/api-error.ts";
import { notFound, onError, renderApiError } from "../errors/handlers.ts";
import { identifyCaller } from "../middleware/caller.ts";
import { databaseAsCaller } from "../middleware/database.ts";
import { REQUEST_ID_HEADER, requestId } from "../middleware/request-id.ts";
import { requestLogger } from "../middleware/request-logger.ts";
import { supabaseClients } from "../middleware/supabase.ts";
import { routers, tokenIgnoringPaths } from "../routes/index.ts";
import type { GatewayConfig } from "./env.ts";
import { createLogger } from "./logger.ts";
import { configureOpenApi } from "./openapi.ts";
import { createRouter } from "./router.ts";
import type { AppEnv, AppRouter } from "./types.ts";

export { createRouter } from "./router.ts";

export const API_BASE_PATH = "/v1";

export interface GatewayDeps {
  /** A pool to use instead of opening one on config.databaseUrl; its owner closes it. */
  sql?: postgres.Sql;
  logger?: Logger;
}

export interface GatewayApp {
  /** Serves everything under /v1; anything else is a 404 envelope. */
  app: OpenAPIHono<AppEnv>;
  /** Closes the database pool the app opened (not one passed in deps). */
  close: () => Promise<void>;
}

export function createGatewayApp(config: GatewayConfig, deps: GatewayDeps = {}): GatewayApp {
  return buildGatewayApp(config, deps, routers);
}

/** The production app with one more router mounted under /v1, for tests of the shared machinery. */
export function createTestApp(router: AppRouter, config: GatewayConfig, deps: GatewayDeps = {}): GatewayApp {
  return buildGatewayApp(config, deps, [...routers, router]);
}

function buildGatewayApp(config: GatewayConfig, deps: GatewayDeps, areaRouters: readonly AppRouter[]): GatewayApp {
  const sql = deps.sql ?? openPool(config.databaseUrl);
  const logger = deps.logger ?? createLogger(config);

  const app = new OpenAPIHono<AppEnv>();
  app.use(requestId());
  app.use(requestLogger(logger));
  // Permissive on purpose: no browser calls this API (contract 1.1, the web app goes through its
  // BFF), and credentials are bearer tokens a foreign page cannot borrow, so CORS guards nothing.
  app.use(cors({ origin: "*", exposeHeaders: [REQUEST_ID_HEADER] }));
  app.use(methodNotAllowed({ app, onMethodNotAllowed: (c, methods) => renderApiError(c, httpErrors.methodNotAllowed(methods)) }));
  app.use(
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw httpErrors.payloadTooLarge(config.bodyLimitBytes);
      },
    }),
  );
  app.use(
    identifyCaller({
      jwtSecret: config.jwtSecret,
      sessionIsActive: sessionChecker(sql),
      tokenIgnoredPaths: new Set(tokenIgnoringPaths.map((path) => `${API_BASE_PATH}${path}`)),
    }),
  );
  app.use(databaseAsCaller(sql));
  app.use(supabaseClients(config));

  const api = createRouter();
  for (const router of areaRouters) api.route("/", router);
  configureOpenApi(api, config);
  app.route(API_BASE_PATH, api);

  app.notFound(notFound);
  app.onError(onError);

  return {
    app,
    close: async () => {
      if (!deps.sql) await sql.end({ timeout: 5 });
    },
  };
}

function openPool(databaseUrl: string): postgres.Sql {
  return postgres(databaseUrl, {
    max: 10,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: "ndi-gateway" },
  });
}
