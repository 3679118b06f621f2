// What every Auth route gets: the shared services, the request's client, and (on routes behind
// requireUser / requireAdmin) the verified caller.
import { isIP } from "node:net";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import type postgres from "postgres";
import type { Mailer } from "../mail/index.ts";
import type { ProjectConfig } from "../project-config.ts";
import { ERRORS } from "./errors.ts";
import type { RateLimiter, RateLimits } from "./rate-limit.ts";
import type { UserRow } from "./users.ts";

export type AuthSettings = ProjectConfig["auth"];

export interface AuthServices {
  sql: postgres.Sql;
  signingKey: Uint8Array;
  /** Public URL of the Auth API: e-mail links point here and it is the JWT issuer. */
  externalUrl: string;
  settings: AuthSettings;
  mailer: Mailer;
  limits: RateLimits;
}

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
}

export interface AuthEnv {
  Variables: {
    /** The verified bearer token's claims. */
    claims: Record<string, unknown>;
    /** Set by requireUser; by requireAdmin only for tokens carrying a session. */
    user: UserRow | undefined;
    session: SessionRow | undefined;
  };
}

export type AuthContext = Context<AuthEnv>;

export interface ClientInfo {
  /** A valid IP address, or undefined when unknown (e.g. in-process requests). */
  ip: string | undefined;
  userAgent: string | undefined;
}

/**
 * The calling client. X-Forwarded-For counts only from a loopback peer: a local proxy such as the
 * NDI gateway passes its client on, while a remote client cannot pick its own rate-limit key.
 */
export function clientInfo(c: Context): ClientInfo {
  const userAgent = c.req.header("user-agent");
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    return { ip: undefined, userAgent };
  }
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded && peer && isLoopback(peer) && isIP(forwarded) ? forwarded : peer;
  return { ip: ip && isIP(ip) ? ip : undefined, userAgent };
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** Counts the request against `limiter` for this client; 429 over_request_rate_limit when used up. */
export function enforceRateLimit(c: Context, limiter: RateLimiter): void {
  if (!limiter.take(clientInfo(c).ip ?? "unknown")) throw ERRORS.overRequestRateLimit();
}
