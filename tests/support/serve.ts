// Serves a Hono app on an ephemeral loopback port, as `npm start` serves it on a fixed one.
import type { Hono } from "hono";
import { serveApp, type ServedApp } from "../../embedded/net.ts";

export type RunningServer = ServedApp;

export function serveOnFreePort(app: Pick<Hono, "fetch">): Promise<RunningServer> {
  return serveApp("127.0.0.1", 0, () => app);
}
