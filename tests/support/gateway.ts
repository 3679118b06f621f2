// The gateway on a cloned test database, served over HTTP as the NDI clients reach it: connected
// as `authenticator` (so RLS applies exactly as in production), with the project's keys and user
// tokens minted like Supabase Auth's. Contract tests start one per file.
import { randomBytes, randomUUID } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { SignJWT } from "jose";
import { pino, type Logger } from "pino";
import postgres from "postgres";
import { expect } from "vitest";
import type { ZodType } from "zod";
import { deriveProjectKeys, type ProjectKeys } from "../../embedded/keys.ts";
import { createGatewayApp, createTestApp, type GatewayApp } from "../../gateway/app/create-app.ts";
import { resolveGatewayConfig, type GatewayConfig, type GatewayConfigInput } from "../../gateway/app/env.ts";
import type { AppEnv, AppRouter } from "../../gateway/app/types.ts";
import { createTestDatabase } from "./database.ts";
import { serveOnFreePort } from "./serve.ts";

// Nothing answers here yet: routes that call Auth or Storage start the embedded servers first.
const NO_SUPABASE_SERVICES = "http://127.0.0.1:9";

export interface TestGatewayOptions {
  /** A test-only router mounted under /v1 next to the real ones (createTestApp). */
  router?: AppRouter;
  config?: Partial<GatewayConfigInput>;
  /** Defaults to a silent logger. */
  logger?: Logger;
}

export interface TestGateway {
  /** Base URL as clients use it, including /v1. */
  url: string;
  /** The app in process: `app.request()` skips HTTP, `app.openAPIRegistry` describes every route. */
  app: OpenAPIHono<AppEnv>;
  config: GatewayConfig;
  keys: ProjectKeys;
  /** Superuser connection to the test database, for arranging and inspecting rows. */
  sql: postgres.Sql;
  /** A project-signed JWT with these claims (and iat/exp), by default valid for an hour. */
  mintToken: (claims: Record<string, unknown>, options?: { expiresIn?: string | number; secret?: string }) => Promise<string>;
  /** An access token for an authenticated user, shaped as Supabase Auth issues it. */
  mintUserToken: (sub?: string, email?: string) => Promise<string>;
  close: () => Promise<void>;
}

export interface TestGatewayConfig {
  config: GatewayConfig;
  keys: ProjectKeys;
  /** Superuser connection to the test database. */
  sql: postgres.Sql;
  /** Closes `sql` and drops the database. */
  drop: () => Promise<void>;
}

/** A fresh test database and a gateway config for it, for tests that start the server themselves. */
export async function createTestGatewayConfig(overrides: Partial<GatewayConfigInput> = {}): Promise<TestGatewayConfig> {
  const database = await createTestDatabase();
  const sql = postgres(database.adminUrl, { max: 4, onnotice: () => {} });
  const keys = await deriveProjectKeys(randomBytes(32).toString("base64url"));
  const config = resolveGatewayConfig({
    supabaseUrl: NO_SUPABASE_SERVICES,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    jwtSecret: keys.jwtSecret,
    databaseUrl: database.authenticatorUrl,
    // startGateway's job runner installs graphile_worker: a superuser's job.
    jobsDatabaseUrl: database.adminUrl,
    ...overrides,
  });
  return {
    config,
    keys,
    sql,
    drop: async () => {
      await sql.end();
      await database.drop();
    },
  };
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const { config, keys, sql, drop } = await createTestGatewayConfig(options.config);
  const deps = { logger: options.logger ?? pino({ level: "silent" }) };
  const gateway: GatewayApp = options.router
    ? createTestApp(options.router, config, deps)
    : createGatewayApp(config, deps);
  const server = await serveOnFreePort(gateway.app);

  const mintToken: TestGateway["mintToken"] = (claims, { expiresIn = "1h", secret = keys.jwtSecret } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(new TextEncoder().encode(secret));

  return {
    url: `${server.url}/v1`,
    app: gateway.app,
    config,
    keys,
    sql,
    mintToken,
    mintUserToken: (sub = randomUUID(), email = `${sub}@example.org`) =>
      mintToken({ role: "authenticated", aud: "authenticated", sub, email }),
    close: async () => {
      await server.close();
      await gateway.close();
      await drop();
    },
  };
}

/**
 * Asserts that a response is one its route declares: the status is listed in the route's
 * createRoute `responses` and the JSON body satisfies that status's zod schema. Returns the body.
 * `path` is the request path under the app (e.g. /v1/datasets/abc) or a full URL.
 */
export async function expectDeclaredResponse(
  app: OpenAPIHono<AppEnv>,
  method: string,
  path: string,
  response: Response,
): Promise<unknown> {
  const route = findRoute(app, method, path);
  const declared = route.responses[response.status];
  expect(declared, `${method.toUpperCase()} ${route.path} does not declare status ${response.status}`).toBeDefined();
  const schema = declared?.content?.["application/json"]?.schema as ZodType | undefined;
  const text = await response.clone().text();
  if (!schema) {
    expect(text, `${method.toUpperCase()} ${route.path} ${response.status} declares no body`).toBe("");
    return undefined;
  }
  const body: unknown = JSON.parse(text);
  const result = schema.safeParse(body);
  expect(result.error?.issues ?? [], `${method.toUpperCase()} ${route.path} ${response.status} body`).toEqual([]);
  return body;
}

type RegisteredRoute = {
  method: string;
  path: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>;
};

/** Every route in the app's OpenAPI registry, with its full path (e.g. /v1/health). */
export function registeredRoutes(app: OpenAPIHono<AppEnv>): RegisteredRoute[] {
  return app.openAPIRegistry.definitions.flatMap((definition) =>
    definition.type === "route" ? [definition.route as unknown as RegisteredRoute] : [],
  );
}

function findRoute(app: OpenAPIHono<AppEnv>, method: string, path: string): RegisteredRoute {
  const pathname = new URL(path, "http://gateway").pathname;
  const candidates = registeredRoutes(app)
    .filter((route) => route.method === method.toLowerCase() && templateToRegExp(route.path).test(pathname))
    // A literal segment wins over a parameter, as the router orders /datasets/published first.
    .sort((a, b) => parameterCount(a.path) - parameterCount(b.path));
  expect(candidates.length, `no route declared for ${method.toUpperCase()} ${pathname}`).toBeGreaterThan(0);
  return candidates[0]!;
}

const parameterCount = (template: string) => template.split("{").length - 1;

function templateToRegExp(template: string): RegExp {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${pattern}$`);
}
