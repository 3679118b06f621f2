// Who is calling, decided once per request as Supabase's services decide it: no Authorization
// header means anon; a bearer JWT signed with the project secret gives its claims; anything else
// (garbage, expired, another project's token, a non-Bearer scheme) is refused with 401, never
// downgraded to anon, because clients map 401 to "log in again" (contract 3.5). A user token whose
// Auth session has ended (logout, password change) is refused the same way.
import { createMiddleware } from "hono/factory";
import { ANON_CLAIMS, bearerToken, InvalidTokenError, verifySupabaseJwt, type RequestClaims } from "../db/claims.ts";
import type { SessionIsActive } from "../db/sessions.ts";
import { httpErrors } from "../errors/api-error.ts";

export interface CallerVariables {
  claims: RequestClaims;
  /** The verified bearer token, for calls to Supabase made as the caller; undefined for anon. */
  accessToken: string | undefined;
}

export interface IdentifyCallerOptions {
  jwtSecret: string;
  /** Asked for every user token that names its session; without it sessions are not checked. */
  sessionIsActive?: SessionIsActive;
  /**
   * Request paths (e.g. /v1/auth/login) served to everyone as anon, whatever Authorization says:
   * MATLAB sends its possibly stale token to routes that need none (contract 12.10).
   */
  tokenIgnoredPaths?: ReadonlySet<string>;
}

export function identifyCaller({ jwtSecret, sessionIsActive, tokenIgnoredPaths = new Set() }: IdentifyCallerOptions) {
  return createMiddleware<{ Variables: CallerVariables }>(async function identifyCaller(c, next) {
    const token = tokenIgnoredPaths.has(c.req.path) ? undefined : bearerToken(c.req.header("authorization"));
    if (token === undefined) {
      c.set("claims", ANON_CLAIMS);
      c.set("accessToken", undefined);
      return next();
    }
    if (!token) throw httpErrors.unauthorized("The Authorization header must be 'Bearer <token>'");
    const claims = await verifiedClaims(token, jwtSecret);
    if (sessionIsActive && !(await sessionIsCurrent(claims, sessionIsActive))) {
      throw httpErrors.unauthorized("The session has ended; log in again", "session_ended");
    }
    c.set("claims", claims);
    c.set("accessToken", token);
    await next();
  });
}

async function verifiedClaims(token: string, jwtSecret: string): Promise<RequestClaims> {
  try {
    return await verifySupabaseJwt(token, jwtSecret);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw error.reason === "expired"
      ? httpErrors.unauthorized("The token has expired", "token_expired")
      : httpErrors.unauthorized("The token is not valid");
  }
}

/** Supabase Auth puts session_id in every user access token; API keys and minted service tokens have none. */
function sessionIsCurrent(claims: RequestClaims, sessionIsActive: SessionIsActive): Promise<boolean> | boolean {
  if (claims.role !== "authenticated" || typeof claims.session_id !== "string") return true;
  return sessionIsActive(claims.session_id, typeof claims.sub === "string" ? claims.sub : "");
}
