// The gateway's configuration: one zod schema, filled either directly (the embedded stack, tests)
// or from the environment (the standalone server, a hosted project). Invalid values fail at
// startup with one line per field, naming the environment variable when it came from there.
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const DEFAULT_PORT = 8787;
// Above the ~6 MB request limit of the current (Lambda) server, so nothing that works there is
// refused here. Data files never pass through the gateway: they go to Storage by signed URL.
export const DEFAULT_BODY_LIMIT_BYTES = 10 * 1024 * 1024;

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

export const gatewayConfigSchema = z.object({
  /** Base URL of the Supabase project (Auth, Storage and Functions live under it). */
  supabaseUrl: z.url({ protocol: /^https?$/ }).transform(withoutTrailingSlash),
  anonKey: z.string().min(1),
  serviceRoleKey: z.string().min(1),
  /** HS256 secret that signs the project's JWTs; Supabase's are at least 32 characters. */
  jwtSecret: z.string().min(32),
  /** The `authenticator` login (embedded) or `postgres` (hosted): both may switch to the API roles. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
  /** Loopback by default; a container sets 0.0.0.0. */
  host: z.string().min(1).default("127.0.0.1"),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  logLevel: z.enum(LOG_LEVELS).default("info"),
  bodyLimitBytes: z.number().int().positive().default(DEFAULT_BODY_LIMIT_BYTES),
  /** The Storage bucket holding NDI data files. */
  dataBucket: z.string().min(1).default("ndi-data"),
  /** The gateway's base URL as clients reach it, including /v1 (behind a proxy); else the request's. */
  publicUrl: z.url({ protocol: /^https?$/ }).transform(withoutTrailingSlash).optional(),
  /**
   * The background job runner's login (default: databaseUrl). It installs the graphile_worker
   * schema and switches to service_role, so `postgres` on a hosted project, the superuser embedded;
   * a direct or session-mode connection (the runner LISTENs).
   */
  jobsDatabaseUrl: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL").optional(),
  /** Background jobs run at the same time in this process. */
  jobsConcurrency: z.number().int().min(1).max(64).default(2),
  /** Crontab time fields of the sweep purging deletions past their grace period. */
  purgeSchedule: z.string().min(1).default("* * * * *"),
});

/** What the app factory works with: every field present, defaults applied. */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
/** What callers pass: the required fields, plus any defaults they want to change. */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

export const GATEWAY_ENV_NAMES = {
  supabaseUrl: "SUPABASE_URL",
  anonKey: "SUPABASE_ANON_KEY",
  serviceRoleKey: "SUPABASE_SERVICE_ROLE_KEY",
  jwtSecret: "SUPABASE_JWT_SECRET",
  databaseUrl: "DATABASE_URL",
  host: "HOST",
  port: "PORT",
  logLevel: "LOG_LEVEL",
  bodyLimitBytes: "NDI_BODY_LIMIT_BYTES",
  dataBucket: "NDI_DATA_BUCKET",
  publicUrl: "NDI_PUBLIC_URL",
  jobsDatabaseUrl: "JOBS_DATABASE_URL",
  jobsConcurrency: "NDI_JOBS_CONCURRENCY",
  purgeSchedule: "NDI_PURGE_SCHEDULE",
} as const satisfies Record<keyof GatewayConfig, string>;

const NUMERIC_FIELDS = new Set<keyof GatewayConfig>(["port", "bodyLimitBytes", "jobsConcurrency"]);

export class GatewayConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid gateway configuration:\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    this.name = "GatewayConfigError";
  }
}

export function resolveGatewayConfig(input: GatewayConfigInput): GatewayConfig {
  return parseConfig(input, (field) => field);
}

/** Reads the GATEWAY_ENV_NAMES variables; empty strings count as unset. */
export function parseGatewayEnv(env: Record<string, string | undefined>): GatewayConfig {
  const input: Record<string, unknown> = {};
  for (const [field, name] of Object.entries(GATEWAY_ENV_NAMES) as [keyof GatewayConfig, string][]) {
    const value = env[name]?.trim();
    if (!value) continue;
    input[field] = NUMERIC_FIELDS.has(field) ? Number(value) : value;
  }
  return parseConfig(input, (field) => GATEWAY_ENV_NAMES[field as keyof GatewayConfig] ?? field);
}

function parseConfig(input: object, nameOf: (field: string) => string): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new GatewayConfigError(
    result.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? "config");
      const missing = (input as Record<string, unknown>)[field] === undefined;
      return `${nameOf(field)}: ${missing ? "required but not set" : issue.message}`;
    }),
  );
}
