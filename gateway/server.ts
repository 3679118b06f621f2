// The gateway as a server. `tsx gateway/server.ts` runs it standalone from the environment
// (app/env.ts lists the variables); the embedded stack calls startGateway() with its own config.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import { createGatewayApp, API_BASE_PATH, type GatewayDeps } from "./app/create-app.ts";
import { GatewayConfigError, parseGatewayEnv, resolveGatewayConfig, type GatewayConfigInput } from "./app/env.ts";
import { createLogger } from "./app/logger.ts";

export interface RunningGateway {
  /** Base URL for NDI clients, including /v1 (NDI_PUBLIC_URL when set). */
  url: string;
  /** Stops accepting, lets in-flight requests finish, then closes the database pool. */
  close: () => Promise<void>;
}

// In-flight requests get this long to finish on shutdown before their connections are cut.
const SHUTDOWN_GRACE_MS = 10_000;

export async function startGateway(input: GatewayConfigInput, deps: GatewayDeps = {}): Promise<RunningGateway> {
  const config = resolveGatewayConfig(input);
  const logger = deps.logger ?? createLogger(config);
  const gateway = createGatewayApp(config, { ...deps, logger });
  const server = serve({ fetch: gateway.app.fetch, hostname: config.host, port: config.port });
  try {
    await once(server, "listening");
  } catch (error) {
    await gateway.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = config.publicUrl ?? `http://${reachableHost(config.host)}:${port}${API_BASE_PATH}`;
  logger.info({ url }, "gateway listening");

  let closing: Promise<void> | undefined;
  const close = async () => {
    const timer = setTimeout(() => "closeAllConnections" in server && server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    // close() also drops idle keep-alive connections (Node ≥ 19); busy ones end after their response.
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearTimeout(timer);
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
  const stop = () =>
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  // once: a second Ctrl-C falls through to Node's default and ends the process at once.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
