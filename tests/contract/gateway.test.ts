// The gateway's shared machinery over HTTP, as NDI clients meet it: health, the generated
// OpenAPI document, the error envelope for every failure (contract 3.5), who the database thinks
// the caller is, request ids and request logs. A test-only router stands in for routes to come.
import { createRoute, z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../../gateway/app/create-app.ts";
import { ApiError, errorResponse } from "../../gateway/errors/api-error.ts";
import { jsonBody } from "../../gateway/middleware/json-body.ts";
import { expectDeclaredResponse, startTestGateway, type TestGateway } from "../support/gateway.ts";
import { serveOnFreePort, type RunningServer } from "../support/serve.ts";

const BODY_LIMIT = 1024;

/** The Cognito-style body the auth routes answer with (contract R1–R8). */
class CognitoStyleError extends ApiError {
  override body() {
    return { errors: this.message, code: this.code };
  }
}

const json = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

const testRouter = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/test/whoami",
      responses: {
        200: json(z.object({ currentUser: z.string(), role: z.string().nullable(), uid: z.string().nullable() })),
      },
    }),
    async (c) => {
      const [row] = await c.var.db(
        (tx) => tx<{ currentUser: string; role: string | null; uid: string | null }[]>`
          select current_user as "currentUser", auth.role() as role, auth.uid()::text as uid`,
      );
      return c.json(row!, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/test/echo",
      middleware: [jsonBody()] as const,
      request: {
        body: {
          content: {
            "application/json": {
              schema: z.object({ name: z.string().default("anonymous"), count: z.number().int().min(0).optional() }),
            },
          },
        },
      },
      responses: { 200: json(z.object({ name: z.string(), count: z.number().optional() })), 400: errorResponse("Bad body") },
    }),
    (c) => c.json(c.req.valid("json"), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/test/page",
      request: { query: z.object({ page: z.coerce.number().int().min(1) }) },
      responses: { 200: json(z.object({ page: z.number() })), 400: errorResponse("Bad query") },
    }),
    (c) => c.json({ page: c.req.valid("query").page }, 200),
  );
testRouter.get("/test/crash", () => {
  throw new Error("postgres://authenticator:hunter2@db/secret exploded");
});
testRouter.get("/test/bad-sql", async (c) => c.json(await c.var.db((tx) => tx`select * from no_such_table`)));
testRouter.get("/test/raise", async (c) =>
  c.json(await c.var.db((tx) => tx`do $$ begin raise exception 'Dataset name is required'; end $$`)),
);
testRouter.get("/test/forbidden", async (c) => c.json(await c.var.db((tx) => tx`select id from auth.users`)));
testRouter.get("/test/supabase/:as", async (c) => {
  const client = c.req.param("as") === "service-role" ? c.var.supabaseAsServiceRole() : c.var.supabaseAsCaller();
  const { data, error } = await client.functions.invoke("whoami", { method: "GET" });
  if (error) throw error;
  return c.json(data);
});
testRouter.get("/test/cognito", () => {
  throw new CognitoStyleError(400, "Unable to change password", { code: "InvalidPasswordException" });
});

// Stands in for Supabase: tells which credentials the gateway's supabase-js clients sent.
const fakeSupabase = new Hono().get("/functions/v1/whoami", (c) => c.json({ authorization: c.req.header("authorization") }));

const logLines: Record<string, unknown>[] = [];
let supabase: RunningServer;
let gateway: TestGateway;

beforeAll(async () => {
  supabase = await serveOnFreePort(fakeSupabase);
  const logger = pino({ level: "info" }, { write: (line: string) => logLines.push(JSON.parse(line)) });
  gateway = await startTestGateway({
    router: testRouter,
    logger,
    config: { bodyLimitBytes: BODY_LIMIT, supabaseUrl: supabase.url },
  });
});
afterAll(async () => {
  await gateway?.close();
  await supabase?.close();
});

const call = (path: string, init: RequestInit = {}) => fetch(`${gateway.url}${path}`, init);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function expectEnvelope(response: Response, status: number, code?: string): Promise<{ message: string; code?: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = (await response.json()) as { message: string; code?: string };
  expect(typeof body.message).toBe("string");
  expect(Object.keys(body).every((key) => key === "message" || key === "code")).toBe(true);
  if (code) expect(body.code).toBe(code);
  return body;
}

describe("GET /v1/health", () => {
  it("answers 200 ok after a query as anon, in the declared shape", async () => {
    const response = await call("/health");
    expect(await expectDeclaredResponse(gateway.app, "GET", "/v1/health", response)).toEqual({ status: "ok", database: "ok" });
  });

  it("answers 503 when the database does not", async () => {
    const unreachable = await startTestGateway({ config: { databaseUrl: "postgres://authenticator:x@127.0.0.1:1/none" } });
    try {
      const response = await fetch(`${unreachable.url}/health`);
      expect(await expectDeclaredResponse(unreachable.app, "GET", "/v1/health", response)).toEqual({
        status: "unavailable",
        database: "unreachable",
      });
    } finally {
      await unreachable.close();
    }
  });
});

describe("OpenAPI document and reference page", () => {
  it("serves an OpenAPI 3.1 document generated from the routes", async () => {
    const response = await call("/openapi.json");
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      info: { version: string };
      servers: { url: string }[];
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(document.openapi).toBe("3.1.0");
    expect(document.info.version).toBe(packageJson.version);
    expect(document.servers[0]?.url).toBe(gateway.url);
    expect(Object.keys(document.paths["/health"]?.get?.responses ?? {})).toEqual(expect.arrayContaining(["200", "503"]));
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves the Scalar reference page pointing at the document", async () => {
    const response = await call("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain("openapi.json");
  });
});

describe("error envelope", () => {
  it("404 for unknown routes, inside and outside /v1", async () => {
    const inside = await expectEnvelope(await call("/no/such/route"), 404, "not_found");
    expect(inside.message).toContain("/v1/no/such/route");
    await expectEnvelope(await fetch(gateway.url.replace(/\/v1$/, "/")), 404, "not_found");
  });

  it("405 with Allow for a known path and another method", async () => {
    const response = await call("/health", { method: "DELETE" });
    await expectEnvelope(response, 405, "method_not_allowed");
    expect(response.headers.get("allow")).toContain("GET");
  });

  it("400 for a body that is not JSON", async () => {
    const response = await call("/test/echo", { method: "POST", headers: { "content-type": "application/json" }, body: "{name:" });
    expect((await expectEnvelope(response, 400, "malformed_json")).message).toMatch(/JSON/);
  });

  it("400 naming the field that fails the route's schema (body and query)", async () => {
    const body = await expectEnvelope(
      await call("/test/echo", { method: "POST", body: JSON.stringify({ count: -1 }) }),
      400,
      "validation_failed",
    );
    expect(body.message).toMatch(/^body\.count: /);
    expect((await expectEnvelope(await call("/test/page?page=0"), 400, "validation_failed")).message).toMatch(/^query\.page: /);
  });

  it("413 for a body over the limit, with or without Content-Length", async () => {
    const big = JSON.stringify({ name: "x".repeat(BODY_LIMIT * 2) });
    await expectEnvelope(await call("/test/echo", { method: "POST", body: big }), 413, "payload_too_large");
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const init = { method: "POST", body: streamed, duplex: "half" } as RequestInit;
    await expectEnvelope(await call("/test/echo", init), 413, "payload_too_large");
  });

  it("500 hides what went wrong and logs it with the request id", async () => {
    for (const path of ["/test/crash", "/test/bad-sql"]) {
      const response = await call(path, { headers: { "x-request-id": `crash-${path.length}` } });
      const body = await expectEnvelope(response, 500, "internal_error");
      expect(body.message).toBe("Internal server error");
      const logged = logLines.find((line) => line.requestId === `crash-${path.length}` && line.level === 50 && line.err);
      expect(logged, `error logged for ${path}`).toBeDefined();
    }
    const crash = await (await call("/test/crash")).text();
    expect(crash).not.toMatch(/hunter2|postgres:|exploded|stack/);
    expect(await (await call("/test/bad-sql")).text()).not.toMatch(/no_such_table|select/i);
  });

  it("maps database refusals: a raised exception is a 400 with its message, a permission refusal a 403", async () => {
    const raised = await expectEnvelope(await call("/test/raise"), 400);
    expect(raised.message).toBe("Dataset name is required");
    await expectEnvelope(await call("/test/forbidden"), 403, "forbidden");
  });

  it("lets a route answer in another body shape (Cognito-style auth errors)", async () => {
    const response = await call("/test/cognito");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: "Unable to change password", code: "InvalidPasswordException" });
  });
});

describe("request bodies as the clients send them (contract 12.1, 12.2)", () => {
  const echo = (init: RequestInit) => call("/test/echo", { method: "POST", ...init });

  it("treats an empty body as {}, with or without a JSON Content-Type", async () => {
    expect(await (await echo({ headers: { "content-type": "application/json" } })).json()).toEqual({ name: "anonymous" });
    expect(await (await echo({})).json()).toEqual({ name: "anonymous" });
  });

  it("parses JSON whatever the Content-Type says", async () => {
    const body = JSON.stringify({ name: "ada", count: 2 });
    for (const contentType of ["application/x-www-form-urlencoded", "text/plain", "application/json; charset=utf-8"]) {
      const response = await echo({ headers: { "content-type": contentType }, body });
      expect(response.status, contentType).toBe(200);
      expect(await response.json()).toEqual({ name: "ada", count: 2 });
    }
  });
});

describe("caller identity", () => {
  const whoami = async (headers: Record<string, string> = {}) => {
    const response = await call("/test/whoami", { headers });
    expect(response.status).toBe(200);
    return response.json();
  };

  it("runs SQL as anon without an Authorization header", async () => {
    expect(await whoami()).toEqual({ currentUser: "anon", role: "anon", uid: null });
  });

  it("runs SQL as the authenticated user of a valid token, auth.uid() = sub", async () => {
    const sub = crypto.randomUUID();
    expect(await whoami(bearer(await gateway.mintUserToken(sub)))).toEqual({ currentUser: "authenticated", role: "authenticated", uid: sub });
  });

  it("runs SQL as service_role with the service key", async () => {
    expect(await whoami(bearer(gateway.keys.serviceRoleKey))).toMatchObject({ currentUser: "service_role", role: "service_role" });
  });

  it("refuses garbage, expired, foreign and non-Bearer credentials with 401", async () => {
    const user = { role: "authenticated", sub: crypto.randomUUID(), email: "ada@example.org" };
    const cases: [string, Record<string, string>, string][] = [
      ["garbage", bearer("not-a-jwt"), "invalid_token"],
      ["expired", bearer(await gateway.mintToken(user, { expiresIn: Math.floor(Date.now() / 1000) - 60 })), "token_expired"],
      ["wrong secret", bearer(await gateway.mintToken(user, { secret: "another-projects-secret-of-32-chars!!" })), "invalid_token"],
      ["no role claim", bearer(await gateway.mintToken({ sub: user.sub })), "invalid_token"],
      ["Basic scheme", { authorization: "Basic YWRhOnB3" }, "invalid_token"],
    ];
    for (const [label, headers, code] of cases) {
      const response = await call("/test/whoami", { headers });
      const body = await expectEnvelope(response, 401, code);
      expect(body.message, label).not.toMatch(/eyJ/);
      expect(response.headers.get("www-authenticate"), label).toMatch(/^Bearer/);
      expect(response.headers.get("x-request-id"), label).toBeTruthy();
    }
  });
});

describe("supabase-js clients for Auth and Storage calls", () => {
  const sentAuthorization = async (path: string, headers: Record<string, string> = {}) =>
    ((await (await call(path, { headers })).json()) as { authorization: string }).authorization;

  it("calls as the caller: their own token, or the anon key for anonymous callers", async () => {
    const token = await gateway.mintUserToken();
    expect(await sentAuthorization("/test/supabase/caller", bearer(token))).toBe(`Bearer ${token}`);
    expect(await sentAuthorization("/test/supabase/caller")).toBe(`Bearer ${gateway.keys.anonKey}`);
  });

  it("calls with the service role key only through supabaseAsServiceRole()", async () => {
    const token = await gateway.mintUserToken();
    expect(await sentAuthorization("/test/supabase/service-role", bearer(token))).toBe(`Bearer ${gateway.keys.serviceRoleKey}`);
  });
});

describe("request ids and logs", () => {
  it("echoes a sane incoming X-Request-ID and replaces anything else", async () => {
    const kept = await call("/health", { headers: { "x-request-id": "bff-7f3a:1" } });
    expect(kept.headers.get("x-request-id")).toBe("bff-7f3a:1");
    const replaced = await call("/health", { headers: { "x-request-id": "two words\"" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await call("/health");
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("logs one line per request with id, method, path, status, duration and sub, never the token", async () => {
    const sub = crypto.randomUUID();
    const token = await gateway.mintUserToken(sub);
    await call("/test/whoami?secret=query", { headers: { ...bearer(token), "x-request-id": "log-line-test" } });
    const lines = logLines.filter((line) => line.requestId === "log-line-test");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: "GET", path: "/v1/test/whoami", status: 200, sub, msg: "request" });
    expect(typeof lines[0]!.durationMs).toBe("number");
    expect(JSON.stringify(logLines)).not.toContain(token);
    expect(JSON.stringify(lines)).not.toContain("secret=query");
  });
});

describe("CORS", () => {
  it("answers preflights permissively and exposes the request id", async () => {
    const preflight = await call("/health", {
      method: "OPTIONS",
      headers: { origin: "https://example.org", "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    const simple = await call("/health", { headers: { origin: "https://example.org" } });
    expect(simple.headers.get("access-control-expose-headers")).toMatch(/x-request-id/i);
  });
});
