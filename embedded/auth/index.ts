// The embedded Supabase Auth server: the subset of GoTrue's HTTP API that supabase-js (auth-js)
// uses, on the `auth` schema of the project database. Mounted at /auth/v1 by createSupabaseApi;
// all routes here are relative to it.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type postgres from "postgres";
import type { Mailer } from "../mail/index.ts";
import type { ProjectConfig } from "../project-config.ts";
import type { AuthServices } from "./context.ts";
import { ERRORS, renderAuthError } from "./errors.ts";
import { createRateLimits } from "./rate-limit.ts";
import { adminLinkRoutes } from "./routes/admin-links.ts";
import { adminUserRoutes } from "./routes/admin-users.ts";
import { publicRoutes } from "./routes/public.ts";
import { recoverRoutes } from "./routes/recover.ts";
import { signupRoutes } from "./routes/signup.ts";
import { tokenRoutes } from "./routes/token.ts";
import { userRoutes } from "./routes/user.ts";
import { verifyRoutes } from "./routes/verify.ts";

export interface AuthServerOptions {
  /** Superuser connection to the project database. */
  sql: postgres.Sql;
  jwtSecret: string;
  /** Public URL of the auth API, e.g. "http://127.0.0.1:54321/auth/v1": e-mail links and the JWT `iss`. */
  externalUrl: string;
  settings: ProjectConfig["auth"];
  mailer: Mailer;
}

/** GoTrue's request body limit. */
const MAX_BODY_BYTES = 1 << 20;

export function createAuthApp(options: AuthServerOptions): Hono {
  const services: AuthServices = {
    sql: options.sql,
    signingKey: new TextEncoder().encode(options.jwtSecret),
    externalUrl: options.externalUrl.replace(/\/+$/, ""),
    settings: options.settings,
    mailer: options.mailer,
    limits: createRateLimits(options.settings.rate_limit),
  };
  const app = new Hono();
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw ERRORS.bodyTooLarge(MAX_BODY_BYTES);
      },
    }),
  );
  for (const routes of [
    publicRoutes,
    signupRoutes,
    tokenRoutes,
    verifyRoutes,
    recoverRoutes,
    userRoutes,
    adminUserRoutes,
    adminLinkRoutes,
  ]) {
    app.route("/", routes(services));
  }
  app.onError((error, c) => renderAuthError(c, error));
  return app;
}
