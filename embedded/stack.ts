// The whole embedded stack on one machine: Postgres 17, the compat bootstrap and migrations, the
// Supabase-compatible Auth/Storage/Functions servers on one origin, and the NDI gateway.
// `npm start` runs startEmbeddedStack(); tests run startSupabaseServices() on a cloned database.
import { createHmac } from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import { createAuthApp } from "./auth/index.ts";
import { createSupabaseApi } from "./api.ts";
import { CROSSREF_DOUBLE_PATH, type CrossrefSetup } from "./crossref-setup.ts";
import { createFunctionsApp } from "./functions/index.ts";
import { deriveProjectKeys, loadOrCreateJwtSecret, type ProjectKeys } from "./keys.ts";
import { createMailer, type Mailer } from "./mail/index.ts";
import { serveApp } from "./net.ts";
import { applyBootstrap, applyMigrations, PROJECT_ROOT } from "./migrations.ts";
import { loadProjectConfig, type ProjectConfig } from "./project-config.ts";
import { setAuthenticatorPassword } from "./authenticator.ts";
import { startEmbeddedPostgres } from "./postgres.ts";
import { removeStackFile, writeStackFile } from "./stack-file.ts";
import { createStorageApp } from "./storage/index.ts";
import type { GatewayConfigInput } from "../gateway/app/env.ts";
import { startGateway } from "../gateway/server.ts";

export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, "functions");

export interface ServicesOptions {
  /** Superuser URL of the project database (bootstrap and migrations already applied). */
  adminUrl: string;
  /** The same database as the gateway's login role `authenticator` (see setAuthenticatorPassword). */
  gatewayDatabaseUrl: string;
  dataDir: string;
  jwtSecret: string;
  host?: string;
  /** 0 picks a free port. */
  apiPort?: number;
  gatewayPort?: number;
  config?: ProjectConfig;
  functionsDir?: string;
  /** The gateway's pino level (tests keep it at warn). */
  logLevel?: GatewayConfigInput["logLevel"];
  smtpUrl?: string;
  /** Where DOI deposits go (embedded/crossref-setup.ts); none: DOIs stay pending. */
  crossref?: CrossrefSetup;
}

export interface RunningServices {
  supabaseUrl: string;
  gatewayUrl: string;
  keys: ProjectKeys;
  mailer: Mailer;
  /** Superuser pool the embedded services use. */
  sql: postgres.Sql;
  stop: () => Promise<void>;
}

/** Auth, Storage and Functions on one origin, and the gateway, against an already migrated database. */
export async function startSupabaseServices(options: ServicesOptions): Promise<RunningServices> {
  const host = options.host ?? "127.0.0.1";
  const config = options.config ?? loadProjectConfig();
  const keys = await deriveProjectKeys(options.jwtSecret);
  const sql = postgres(options.adminUrl, { max: 10, onnotice: () => {} });

  const mailer = createMailer({ sql, smtpUrl: options.smtpUrl });
  const api = await serveApp(host, options.apiPort ?? 0, (origin) => {
    const app = createSupabaseApi({
      auth: createAuthApp({ sql, jwtSecret: options.jwtSecret, externalUrl: `${origin}/auth/v1`, settings: config.auth, mailer }),
      storage: createStorageApp({
        sql,
        jwtSecret: options.jwtSecret,
        root: path.join(options.dataDir, "storage"),
        fileSizeLimit: config.storage.file_size_limit,
      }),
      functions: createFunctionsApp({
        functionsDir: options.functionsDir ?? FUNCTIONS_DIR,
        jwtSecret: options.jwtSecret,
        env: {
          SUPABASE_URL: origin,
          SUPABASE_ANON_KEY: keys.anonKey,
          SUPABASE_SERVICE_ROLE_KEY: keys.serviceRoleKey,
          SUPABASE_DB_URL: options.adminUrl,
          ...options.crossref?.env(origin),
        },
      }),
    });
    if (options.crossref?.double) app.route(CROSSREF_DOUBLE_PATH, options.crossref.double.app);
    return app;
  });

  const gateway = await startGateway({
    supabaseUrl: api.url,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    jwtSecret: options.jwtSecret,
    databaseUrl: options.gatewayDatabaseUrl,
    // The job runner creates its graphile_worker schema, which `authenticator` may not.
    jobsDatabaseUrl: options.adminUrl,
    host,
    port: options.gatewayPort ?? 0,
    logLevel: options.logLevel,
  });

  return {
    supabaseUrl: api.url,
    gatewayUrl: gateway.url,
    keys,
    mailer,
    sql,
    stop: async () => {
      await gateway.close();
      await api.close();
      await sql.end({ timeout: 5 });
    },
  };
}

export interface EmbeddedStackOptions {
  dataDir: string;
  host?: string;
  postgresPort?: number;
  apiPort?: number;
  gatewayPort?: number;
  smtpUrl?: string;
  crossref?: CrossrefSetup;
}

export interface EmbeddedStack extends RunningServices {
  databaseUrl: string;
  migrationsApplied: string[];
}

export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const config = loadProjectConfig();
  const dataDir = path.resolve(options.dataDir);
  const jwtSecret = loadOrCreateJwtSecret(dataDir);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, "postgres"),
    port: options.postgresPort ?? config.db.port,
  });
  try {
    const migrator = postgres(pg.adminUrl(), { max: 3, onnotice: () => {} });
    let migrationsApplied: string[];
    // Derived from the project secret, so it is stable across restarts and never printed.
    const authenticatorPassword = createHmac("sha256", jwtSecret).update("authenticator").digest("base64url");
    try {
      await applyBootstrap(migrator);
      migrationsApplied = await applyMigrations(migrator);
      await setAuthenticatorPassword(migrator, authenticatorPassword);
    } finally {
      await migrator.end();
    }
    const services = await startSupabaseServices({
      adminUrl: pg.adminUrl(),
      gatewayDatabaseUrl: pg.urlFor("authenticator", authenticatorPassword),
      dataDir,
      jwtSecret,
      host: options.host,
      apiPort: options.apiPort ?? config.api.port,
      gatewayPort: options.gatewayPort,
      config,
      smtpUrl: options.smtpUrl,
      crossref: options.crossref,
    });
    const stack: EmbeddedStack = {
      ...services,
      databaseUrl: pg.adminUrl(),
      migrationsApplied,
      stop: async () => {
        removeStackFile(dataDir);
        await services.stop();
        await pg.stop();
      },
    };
    writeStackFile(dataDir, {
      supabaseUrl: stack.supabaseUrl,
      gatewayUrl: stack.gatewayUrl,
      databaseUrl: stack.databaseUrl,
      anonKey: stack.keys.anonKey,
      serviceRoleKey: stack.keys.serviceRoleKey,
      jwtSecret: stack.keys.jwtSecret,
      pid: process.pid,
    });
    return stack;
  } catch (error) {
    await pg.stop();
    throw error;
  }
}
