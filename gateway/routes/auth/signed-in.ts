// The logged-in user of a request, and switching a request to a user Supabase Auth just signed in.
import type { AuthError, Session } from "@supabase/supabase-js";
import type { Context } from "hono";
import { decodeJwt } from "jose";
import type { AppEnv } from "../../app/types.ts";
import type { RequestClaims } from "../../db/claims.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { cognitoErrorFromAuth } from "./cognito-error.ts";

export interface SignedInCaller {
  userId: string;
  email: string;
  accessToken: string;
}

/** The caller's user, or 401 for anon (and API-key) callers on routes that need a login. */
export function requireSignedIn(c: Context<AppEnv>): SignedInCaller {
  const { claims, accessToken } = c.var;
  if (claims.role !== "authenticated" || typeof claims.sub !== "string" || !accessToken) {
    throw httpErrors.unauthorized("This route needs the bearer token from POST /auth/login", "no_token");
  }
  return { userId: claims.sub, email: typeof claims.email === "string" ? claims.email : "", accessToken };
}

/**
 * From here on the request acts as the user of a session Supabase Auth has just issued (login,
 * sign-up without confirmation), so `c.var.db` reads what that user may see.
 */
export function actAsSignedInUser(c: Context<AppEnv>, session: Session): void {
  // Straight from Auth over our own connection; the caller middleware verifies tokens clients send.
  c.set("claims", decodeJwt(session.access_token) as RequestClaims);
  c.set("accessToken", session.access_token);
}

/** The data of a supabase-js Auth result, or its error as the Cognito-style answer. */
export function authData<R extends { data: unknown; error: AuthError | null }>(result: R): Extract<R, { error: null }>["data"] {
  if (result.error) throw cognitoErrorFromAuth(result.error);
  return result.data;
}
