// The embedded project's JWT secret and its legacy-format API keys (anon, service_role): HS256 JWTs
// carrying only `role`, as Supabase's are. The secret is made once per data directory and kept.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";

export type ApiKeyRole = "anon" | "service_role";

export interface ProjectKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
}

const TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600;
// A fixed issue time keeps the printed keys the same on every start for the same secret.
const KEYS_ISSUED_AT = 1_767_225_600; // 2026-01-01T00:00:00Z

export function loadOrCreateJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, "jwt-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

export async function createApiKey(jwtSecret: string, role: ApiKeyRole, issuedAt = KEYS_ISSUED_AT): Promise<string> {
  return new SignJWT({ iss: "supabase", ref: "embedded", role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + TEN_YEARS_SECONDS)
    .sign(new TextEncoder().encode(jwtSecret));
}

export async function deriveProjectKeys(jwtSecret: string): Promise<ProjectKeys> {
  return {
    jwtSecret,
    anonKey: await createApiKey(jwtSecret, "anon"),
    serviceRoleKey: await createApiKey(jwtSecret, "service_role"),
  };
}
