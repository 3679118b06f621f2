// The embedded stack reads supabase/config.toml, the file the supabase CLI uses for a local
// project, so Auth and Storage behave here as they would under `supabase start`.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { z } from "zod";
import { PROJECT_ROOT } from "./migrations.ts";

const duration = z.union([z.number(), z.string()]).transform(parseDurationSeconds);
const byteSize = z.union([z.number(), z.string()]).transform(parseByteSize);

// [functions.<name>] as the supabase CLI reads it; only what the embedded Functions host honours.
const functionSettingsSchema = z.object({ verify_jwt: z.boolean().default(true) });

const configSchema = z.object({
  project_id: z.string(),
  api: z.object({ port: z.number().int() }),
  db: z.object({ port: z.number().int(), major_version: z.number().int() }),
  storage: z.object({ file_size_limit: byteSize }),
  auth: z.object({
    site_url: z.string(),
    additional_redirect_urls: z.array(z.string()).default([]),
    jwt_expiry: z.number().int().positive(),
    enable_refresh_token_rotation: z.boolean(),
    refresh_token_reuse_interval: z.number().int().nonnegative(),
    enable_signup: z.boolean(),
    minimum_password_length: z.number().int().min(6),
    password_requirements: z.string().default(""),
    rate_limit: z.object({
      email_sent: z.number().int(),
      token_refresh: z.number().int(),
      sign_in_sign_ups: z.number().int(),
      token_verifications: z.number().int(),
    }),
    email: z.object({
      enable_confirmations: z.boolean(),
      double_confirm_changes: z.boolean(),
      max_frequency: duration,
      otp_length: z.number().int(),
      otp_expiry: z.number().int(),
    }),
  }),
  functions: z.record(z.string(), functionSettingsSchema).default({}),
});

export type ProjectConfig = z.infer<typeof configSchema>;
export type FunctionSettings = z.infer<typeof functionSettingsSchema>;

export const CONFIG_TOML = path.join(PROJECT_ROOT, "supabase", "config.toml");

export function loadProjectConfig(file = CONFIG_TOML): ProjectConfig {
  return configSchema.parse(parse(readFileSync(file, "utf8")));
}

/** "1s", "2m", "1h" or a bare number of seconds. */
export function parseDurationSeconds(value: number | string): number {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new Error(`not a duration: ${value}`);
  const factor = { ms: 0.001, s: 1, m: 60, h: 3600 }[(match[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * factor;
}

/** "50MiB", "5MB", "500KB" or a bare number of bytes (the CLI's units). */
export function parseByteSize(value: number | string): number {
  if (typeof value === "number") return value;
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?$/i.exec(value.trim());
  if (!match) throw new Error(`not a size: ${value}`);
  const unit = (match[2] ?? "B").toUpperCase();
  const exponent = "BKMGT".indexOf(unit[0]!);
  const base = unit.includes("I") ? 1024 : 1000;
  return Math.round(Number(match[1]) * base ** exponent);
}
