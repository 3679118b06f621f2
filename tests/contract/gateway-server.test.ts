// startGateway(), as the embedded stack and `tsx gateway/server.ts` use it: it listens, reports the
// client URL with /v1, and on close stops accepting, lets an in-flight request finish, and closes
// its database pool.
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../../gateway/server.ts";
import { createTestGatewayConfig, type TestGatewayConfig } from "../support/gateway.ts";

let setup: TestGatewayConfig;

beforeAll(async () => {
  setup = await createTestGatewayConfig({ port: 0 });
});
afterAll(async () => {
  await setup?.drop();
});

const silent = () => pino({ level: "silent" });

describe("startGateway", () => {
  it("serves /v1 and reports the client URL (NDI_PUBLIC_URL when set)", async () => {
    const gateway = await startGateway(setup.config, { logger: silent() });
    try {
      expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
    const behindProxy = await startGateway({ ...setup.config, publicUrl: "https://api.example.org/v1" }, { logger: silent() });
    await behindProxy.close();
    expect(behindProxy.url).toBe("https://api.example.org/v1");
  });

  it("finishes an in-flight request on close, then refuses connections and releases the database", async () => {
    const gateway = await startGateway(setup.config, { logger: silent() });
    const encoder = new TextEncoder();
    let finishBody!: () => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"slow":'));
        finishBody = () => {
          controller.enqueue(encoder.encode("true}"));
          controller.close();
        };
      },
    });
    // A chunked body is read before routing (body-size limit), so the request stays in flight.
    const inFlight = fetch(`${gateway.url}/health`, { method: "POST", body, duplex: "half" } as RequestInit);
    await new Promise((resolve) => setTimeout(resolve, 100));

    let closed = false;
    const closing = gateway.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    finishBody();
    expect((await inFlight).status).toBe(405);
    await closing;

    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();
    const [connections] = await setup.sql<{ count: number }[]>`
      select count(*)::int as count from pg_stat_activity
      where datname = current_database() and application_name = 'ndi-gateway'`;
    expect(connections?.count).toBe(0);
  });
});
