// `npm start`: with no SUPABASE_URL, the whole embedded stack on this machine; with SUPABASE_URL
// (a hosted project or `supabase start`), only the gateway, configured from the environment.
import { performance } from "node:perf_hooks";
import { crossrefFromEnvironment, describeCrossref, localCrossrefDouble } from "../embedded/crossref-setup.ts";
import { startEmbeddedStack, type EmbeddedStack } from "../embedded/stack.ts";
import { resolveDataDir } from "../embedded/stack-file.ts";
import { parseGatewayEnv } from "../gateway/app/env.ts";
import { startGateway, stopOnSignals } from "../gateway/server.ts";

const began = performance.now();

if (process.env.SUPABASE_URL) {
  const gateway = await startGateway(parseGatewayEnv(process.env));
  console.log(`NDI Cloud gateway for ${process.env.SUPABASE_URL}\n  NDI_CLOUD_URL=${gateway.url}`);
  stopOnSignals(() => gateway.close());
} else {
  const dataDir = resolveDataDir();
  // Publishing registers DOIs at the local Crossref double unless a Crossref account is configured.
  const crossref = crossrefFromEnvironment(process.env) ?? localCrossrefDouble();
  const stack = await startEmbeddedStack({
    dataDir,
    host: process.env.NDI_HOST,
    postgresPort: optionalPort("NDI_POSTGRES_PORT"),
    apiPort: optionalPort("NDI_SUPABASE_PORT"),
    gatewayPort: optionalPort("PORT") ?? 8787,
    smtpUrl: process.env.SMTP_URL,
    crossref,
  });
  printBanner(stack, dataDir, performance.now() - began, describeCrossref(crossref, stack.supabaseUrl));
  stopOnSignals(() => stack.stop());
}

function printBanner(stack: EmbeddedStack, dataDir: string, startupMs: number, crossref: string): void {
  const migrations = stack.migrationsApplied.length
    ? `applied ${stack.migrationsApplied.length} new migration(s)`
    : "migrations up to date";
  console.log(`
NDI Cloud embedded stack is running (started in ${(startupMs / 1000).toFixed(1)} s; ${migrations})

  NDI clients      NDI_CLOUD_URL=${stack.gatewayUrl}
  API reference    ${stack.gatewayUrl}/docs   (OpenAPI: ${stack.gatewayUrl}/openapi.json)
  Supabase URL     ${stack.supabaseUrl}   (/auth/v1, /storage/v1, /functions/v1)
  anon key         ${stack.keys.anonKey}
  service_role key ${stack.keys.serviceRoleKey}
  Postgres         ${stack.databaseUrl}   (psql, Studio, analysts)
  Mail             ${stack.mailer.describe()}
  Crossref (DOIs)  ${crossref}
  Data directory   ${dataDir}

First login:
  npm run admin -- create-user --email you@example.org --password 'a-long-password' --admin
  npm run admin -- create-org --name "My Lab" --owner you@example.org
  then point an NDI client at NDI_CLOUD_URL and log in with that e-mail and password.

Ctrl-C stops everything; data stays in the data directory.
`);
}

function optionalPort(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}
