// Every route's declared responses are what its handler really sends: the OpenAPI document is
// generated from those zod schemas, so a handler drifting from them would make the document lie.
import { createRoute, z } from "@hono/zod-openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRouter } from "../../gateway/app/create-app.ts";
import { expectDeclaredResponse, registeredRoutes, startTestGateway, type TestGateway } from "../support/gateway.ts";

// A handler that breaks its own declaration, to prove the check catches it.
const driftingRouter = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/test/drift/{id}",
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: "OK", content: { "application/json": { schema: z.object({ id: z.string() }) } } } },
  }),
  (c) => c.json({ id: Number(c.req.valid("param").id) } as never, 200),
);

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({ router: driftingRouter });
});
afterAll(async () => {
  await gateway?.close();
});

describe("declared responses", () => {
  it("every route declares its responses with zod schemas", () => {
    const routes = registeredRoutes(gateway.app);
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      for (const [status, response] of Object.entries(route.responses)) {
        for (const media of Object.values(response?.content ?? {})) {
          expect(media.schema, `${route.method} ${route.path} ${status}`).toBeInstanceOf(z.ZodType);
        }
      }
    }
  });

  it("every parameterless GET route answers in a shape it declares", async () => {
    const routes = registeredRoutes(gateway.app).filter((route) => route.method === "get" && !route.path.includes("{"));
    expect(routes.map((route) => route.path)).toContain("/v1/health");
    for (const route of routes) {
      await expectDeclaredResponse(gateway.app, "GET", route.path, await gateway.app.request(route.path));
    }
  });

  it("catches a body that does not match the declared schema", async () => {
    const response = await gateway.app.request("/v1/test/drift/42");
    expect(response.status).toBe(200);
    await expect(expectDeclaredResponse(gateway.app, "GET", "/v1/test/drift/42", response)).rejects.toThrow(/body/);
  });

  it("catches a status the route does not declare", async () => {
    const response = new Response(JSON.stringify({ message: "teapot" }), { status: 418 });
    await expect(expectDeclaredResponse(gateway.app, "GET", "/v1/health", response)).rejects.toThrow(/does not declare status 418/);
  });
});
