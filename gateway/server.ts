// The gateway as a server. `tsx gateway/server.ts` runs it standalone from the environment
// (app/env.ts lists the variables); the embedded stack calls startGateway() with its own config.
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import { createGatewayApp, API_BASE_PATH, type GatewayDeps } from "./app/create-app.ts";
import { GatewayConfigError, parseGatewayEnv, resolveGatewayConfig, type GatewayConfigInput } from "./app/env.ts";
import { createLogger } from "./app/logger.ts";
import { startGatewayJobRunner } from "./jobs/index.ts";

export interface RunningGateway {
  /** Base URL for NDI clients, including /v1 (NDI_PUBLIC_URL when set). */
  url: string;
  /** Stops accepting, lets in-flight requests finish, stops the job runner, then closes the database pool. */
  close: () => Promise<void>;
}

// In-flight requests get this long to finish on shutdown before their connections are cut.
const SHUTDOWN_GRACE_MS = 10_000;

export async function startGateway(input: GatewayConfigInput, deps: GatewayDeps = {}): Promise<RunningGateway> {
  const config = resolveGatewayConfig(input);
  const logger = deps.logger ?? createLogger(config);
  const gateway = createGatewayApp(config, { ...deps, logger });
  let jobs;
  try {
    jobs = await startGatewayJobRunner(config, logger);
  } catch (error) {
    await gateway.close();
    throw error;
  }
  // Plain HTTP/1.1 (no createServer option), so serve() gives a node:http Server.
  const server = serve({ fetch: gateway.app.fetch, hostname: config.host, port: config.port }) as Server;
  try {
    await once(server, "listening");
  } catch (error) {
    await jobs.stop();
    await gateway.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://${reachableHost(config.host)}:${port}${API_BASE_PATH}`;
  logger.info({ url }, "gateway listening");

  let closing: Promise<void> | undefined;
  const close = async () => {
    // close() stops accepting and drops idle keep-alive connections; busy ones are dropped as soon
    // as their response is done (the sweep), and cut if they take longer than the grace period.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    clearTimeout(deadline);
    await jobs.stop();
    await gateway.close();
    logger.info("gateway stopped");
  };
  return { url, close: () => (closing ??= close()) };
}

/** A wildcard bind address is not somewhere a client can connect to. */
function reachableHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

async function main(): Promise<void> {
  let config;
  try {
    config = parseGatewayEnv(process.env);
  } catch (error) {
    if (!(error instanceof GatewayConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const gateway = await startGateway(config);
  stopOnSignals(() => gateway.close());
}

/**
 * On SIGINT or SIGTERM: stop, then exit 0 (1 if stopping failed). The handlers run once, so a
 * second Ctrl-C falls through to Node's default and ends a stuck shutdown at once.
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping: Promise<void> | undefined;
  const handler = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping…`);
    stopping ??= stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
