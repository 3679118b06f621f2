// Who is calling, decided once per request as Supabase's services decide it: no Authorization
// header means anon; a bearer JWT signed with the project secret gives its claims; anything else
// (garbage, expired, another project's token, a non-Bearer scheme) is refused with 401, never
// downgraded to anon, because clients map 401 to "log in again" (contract 3.5).
import { createMiddleware } from "hono/factory";
import { ANON_CLAIMS, bearerToken, InvalidTokenError, verifySupabaseJwt, type RequestClaims } from "../db/claims.ts";
import { httpErrors } from "../errors/api-error.ts";

export interface CallerVariables {
  claims: RequestClaims;
  /** The verified bearer token, for calls to Supabase made as the caller; undefined for anon. */
  accessToken: string | undefined;
}

export function identifyCaller({ jwtSecret }: { jwtSecret: string }) {
  return createMiddleware<{ Variables: CallerVariables }>(async function identifyCaller(c, next) {
    const token = bearerToken(c.req.header("authorization"));
    if (token === undefined) {
      c.set("claims", ANON_CLAIMS);
      c.set("accessToken", undefined);
      return next();
    }
    if (!token) throw httpErrors.unauthorized("The Authorization header must be 'Bearer <token>'");
    try {
      c.set("claims", await verifySupabaseJwt(token, jwtSecret));
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      throw error.reason === "expired"
        ? httpErrors.unauthorized("The token has expired", "token_expired")
        : httpErrors.unauthorized("The token is not valid");
    }
    c.set("accessToken", token);
    await next();
  });
}
