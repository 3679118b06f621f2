// Who is calling, from `Authorization: Bearer <jwt>` (a user access token or an API key). Most
// routes require a valid token (AccessDenied otherwise, as Supabase answers); object reads also
// serve public buckets to callers without one, so there a missing or bad token means "anonymous".
import { createMiddleware } from "hono/factory";
import { bearerToken, InvalidTokenError, verifySupabaseJwt, type RequestClaims } from "../../gateway/db/claims.ts";
import { ERRORS } from "./errors.ts";

export interface StorageEnv {
  Variables: {
    caller: RequestClaims | undefined;
  };
}

export function identifyCaller(jwtSecret: string, { required }: { required: boolean }) {
  return createMiddleware<StorageEnv>(async function identifyStorageCaller(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    let caller: RequestClaims | undefined;
    if (token) {
      try {
        caller = await verifySupabaseJwt(token, jwtSecret);
      } catch (error) {
        if (required) throw error instanceof InvalidTokenError ? ERRORS.accessDenied(error.message) : error;
      }
    } else if (required) {
      throw ERRORS.accessDenied("A bearer token is required in the Authorization header");
    }
    c.set("caller", caller);
    await next();
  });
}

/** The caller on routes that require one (identifyCaller with required: true ran before). */
export function requiredCaller(c: { get: (key: "caller") => RequestClaims | undefined }): RequestClaims {
  const caller = c.get("caller");
  if (!caller) throw ERRORS.accessDenied();
  return caller;
}
