// Who is calling, for the routes that need to know: /user and /logout take a user's access token
// whose user and session still exist; the admin API takes a token whose role is an admin role.
import { createMiddleware } from "hono/factory";
import type { AuthContext, AuthEnv, AuthServices, SessionRow } from "./context.ts";
import { ERRORS } from "./errors.ts";
import { findSession } from "./sessions.ts";
import { bearerToken, verifyBearerToken } from "./tokens.ts";
import { findUserById, isBanned, NIL_UUID, type UserRow } from "./users.ts";

const ADMIN_ROLES = new Set(["service_role", "supabase_admin"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function requireUser(services: AuthServices) {
  return createMiddleware<AuthEnv>(async function requireUser(c, next) {
    const claims = await verifyBearerToken(services.signingKey, bearerToken(c.req.header("authorization")));
    const { user, session } = await loadUserAndSession(services, claims);
    if (isBanned(user)) throw ERRORS.userBanned();
    c.set("claims", claims);
    c.set("user", user);
    c.set("session", session);
    await next();
  });
}

/** The caller on routes behind requireUser. */
export function signedInUser(c: AuthContext): UserRow {
  const user = c.var.user;
  if (!user) throw new Error("signedInUser used on a route without requireUser");
  return user;
}

export function requireAdmin(services: AuthServices) {
  return createMiddleware<AuthEnv>(async function requireAdmin(c, next) {
    const claims = await verifyBearerToken(services.signingKey, bearerToken(c.req.header("authorization")));
    // A user token is only as good as its session: it stops working at logout.
    if (sessionIdOf(claims) !== undefined) {
      const { user, session } = await loadUserAndSession(services, claims);
      c.set("user", user);
      c.set("session", session);
    }
    if (typeof claims.role !== "string" || !ADMIN_ROLES.has(claims.role)) throw ERRORS.notAdmin();
    c.set("claims", claims);
    await next();
  });
}

function sessionIdOf(claims: Record<string, unknown>): string | undefined {
  const { session_id: id } = claims;
  return typeof id === "string" && id !== "" && id !== NIL_UUID ? id : undefined;
}

async function loadUserAndSession(
  services: AuthServices,
  claims: Record<string, unknown>,
): Promise<{ user: UserRow; session: SessionRow | undefined }> {
  const sub = claims.sub;
  if (typeof sub !== "string" || sub === "") throw ERRORS.badJwt("invalid claim: missing sub claim");
  if (!isUuid(sub)) throw ERRORS.badJwt("invalid claim: sub claim must be a UUID", 400);
  const user = await findUserById(services.sql, sub);
  if (!user) throw ERRORS.userFromTokenNotFound();
  const sessionId = sessionIdOf(claims);
  if (sessionId === undefined) return { user, session: undefined };
  if (!isUuid(sessionId)) throw ERRORS.badJwt("invalid claim: session_id claim must be a UUID");
  const session = await findSession(services.sql, sessionId);
  if (!session) throw ERRORS.sessionNotFound();
  return { user, session };
}
