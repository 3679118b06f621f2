// Who is calling, as Postgres will see it: the verified JWT payload becomes request.jwt.claims and
// its `role` the role RLS runs under. Used by the gateway and the embedded Storage server alike.
import { errors as joseErrors, jwtVerify } from "jose";

export type DatabaseRole = "anon" | "authenticated" | "service_role";

export interface RequestClaims {
  role: DatabaseRole;
  sub?: string;
  email?: string;
  session_id?: string;
  [claim: string]: unknown;
}

export const ANON_CLAIMS: RequestClaims = Object.freeze({ role: "anon" });

const DATABASE_ROLES = new Set<string>(["anon", "authenticated", "service_role"]);

export class InvalidTokenError extends Error {
  constructor(
    message: string,
    readonly reason: "expired" | "invalid",
  ) {
    super(message);
    this.name = "InvalidTokenError";
  }
}

/**
 * Verifies an HS256 Supabase JWT (user access token or API key) and returns its claims. A token
 * that does not verify is rejected, never downgraded to anon.
 */
export async function verifySupabaseJwt(token: string, jwtSecret: string): Promise<RequestClaims> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(jwtSecret), { algorithms: ["HS256"] }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError("token has expired", "expired");
    throw new InvalidTokenError("token is not a valid JWT for this project", "invalid");
  }
  if (typeof payload.role !== "string" || !DATABASE_ROLES.has(payload.role)) {
    throw new InvalidTokenError("token carries no usable role claim", "invalid");
  }
  return payload as RequestClaims;
}

/** Reads `Authorization: Bearer <jwt>`; returns undefined when the header is absent. */
export function bearerToken(authorization: string | undefined | null): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : "";
}
