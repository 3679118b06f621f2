import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { once } from "node:events";
import { createServer, type AddressInfo } from "node:net";

/** A TCP port on loopback that was free a moment ago. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface ServedApp {
  url: string;
  /** Stops listening and cuts keep-alive sockets, which would otherwise hold close() open. */
  close: () => Promise<void>;
}

/**
 * Serves a Hono app on `host:port` (0 picks a free port). `build` receives the bound origin
 * first, because some apps need it (e-mail links, signed URLs).
 */
export async function serveApp(host: string, port: number, build: (origin: string) => Pick<Hono, "fetch">): Promise<ServedApp> {
  let app: Pick<Hono, "fetch"> | undefined;
  const server = serve({
    fetch: (request, env) => app!.fetch(request, env),
    hostname: host,
    port,
    // Node ends requests after 5 minutes by default; a multi-GB upload to a signed URL takes longer.
    serverOptions: { requestTimeout: 0 },
  });
  await once(server, "listening");
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  app = build(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
