// Access tokens: HS256 JWTs with the claim set GoTrue issues (aud as a plain string), and the
// checks GoTrue applies to a bearer token presented to it.
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { ERRORS } from "./errors.ts";
import type { UserRow } from "./users.ts";

export interface AmrEntry {
  method: string;
  timestamp: number;
}

export interface AccessTokenInput {
  user: UserRow;
  sessionId: string;
  amr: AmrEntry[];
  issuer: string;
  lifetimeSeconds: number;
}

export async function signAccessToken(
  key: Uint8Array,
  { user, sessionId, amr, issuer, lifetimeSeconds }: AccessTokenInput,
): Promise<{ token: string; expiresAt: number }> {
  const issuedAt = Math.floor(Date.now() / 1000);
  const expiresAt = issuedAt + lifetimeSeconds;
  const claims = {
    iss: issuer,
    sub: user.id,
    aud: user.aud,
    exp: expiresAt,
    iat: issuedAt,
    email: user.email ?? "",
    phone: user.phone ?? "",
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role,
    aal: "aal1",
    amr,
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  };
  const token = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
  return { token, expiresAt };
}

/** `Authorization: Bearer <token>`, or 401 no_authorization. */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  if (!match) throw ERRORS.noAuthorization();
  return match[1]!;
}

/** Verifies signature and expiry; 403 bad_jwt with GoTrue's wording otherwise. */
export async function verifyBearerToken(key: Uint8Array, token: string): Promise<Record<string, unknown>> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"] });
    return payload;
  } catch (error) {
    const reason =
      error instanceof joseErrors.JWTExpired
        ? "token has invalid claims: token is expired"
        : error instanceof joseErrors.JWSSignatureVerificationFailed
          ? "token signature is invalid: signature is invalid"
          : "token is malformed";
    throw ERRORS.badJwt(`invalid JWT: unable to parse or verify signature, ${reason}`);
  }
}
