// Auth errors exactly as Supabase Auth (GoTrue) reports them, because auth-js maps them to its error
// classes and apps check `error.code`. Everything thrown in the Auth server ends up in renderAuthError:
//  - requests with `X-Supabase-Api-Version` >= 2024-01-01 (what supabase-js sends) get
//    {code: "<error_code>", message} and that response header back;
//  - older clients get the legacy {code: <http status>, error_code, msg};
//  - OAuth-style errors are always HTTP 400 {error, error_description}.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Set for weak_password: why the password was refused ("length", "characters"). */
    readonly weakPasswordReasons?: string[],
  ) {
    super(message);
    this.name = "AuthError";
  }
}

/** RFC 6749 style error (GoTrue uses it where the OAuth spec dictates the shape). */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
    this.name = "OAuthError";
  }
}

const INVALID_LOGIN = "Invalid login credentials";
const DUPLICATE_EMAIL = "A user with this email address has already been registered";

export const ERRORS = {
  validation: (message: string, status = 400) => new AuthError(status, "validation_failed", message),
  badJson: (detail: string) => new AuthError(400, "bad_json", `Could not parse request body as JSON: ${detail}`),
  bodyTooLarge: (limit: number) =>
    new AuthError(413, "request_entity_too_large", `Request body too large (max ${limit} bytes)`),

  invalidCredentials: () => new AuthError(400, "invalid_credentials", INVALID_LOGIN),
  unsupportedGrantType: () => new AuthError(400, "invalid_credentials", "unsupported_grant_type"),
  emailNotConfirmed: () => new AuthError(400, "email_not_confirmed", "Email not confirmed"),
  userBanned: (status = 403, message = "User is banned") => new AuthError(status, "user_banned", message),
  signupDisabled: () => new AuthError(422, "signup_disabled", "Signups not allowed for this instance"),
  anonymousDisabled: () => new AuthError(422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled"),
  phoneDisabled: (message = "Phone logins are disabled", status = 400) =>
    new AuthError(status, "phone_provider_disabled", message),
  userAlreadyExists: () => new AuthError(422, "user_already_exists", "User already registered"),
  emailExists: () => new AuthError(422, "email_exists", DUPLICATE_EMAIL),
  weakPassword: (message: string, reasons: string[]) => new AuthError(422, "weak_password", message, reasons),
  samePassword: () =>
    new AuthError(422, "same_password", "New password should be different from the old password."),
  pkceUnsupported: () =>
    new AuthError(400, "validation_failed", "The PKCE flow is not supported by the embedded Auth server"),

  overRequestRateLimit: () => new AuthError(429, "over_request_rate_limit", "Request rate limit reached"),
  overEmailSendRateLimit: (secondsLeft: number) =>
    new AuthError(
      429,
      "over_email_send_rate_limit",
      `For security purposes, you can only request this after ${secondsLeft} seconds.`,
    ),

  otpExpired: (message: "Email link is invalid or has expired" | "Token has expired or is invalid") =>
    new AuthError(403, "otp_expired", message),

  refreshTokenRequired: () => new OAuthError("invalid_request", "refresh_token required"),
  refreshTokenNotFound: () =>
    new AuthError(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found"),
  refreshTokenAlreadyUsed: () =>
    new AuthError(400, "refresh_token_already_used", "Invalid Refresh Token: Already Used"),
  refreshSessionNotFound: () =>
    new AuthError(400, "session_not_found", "Invalid Refresh Token: No Valid Session Found"),

  noAuthorization: () => new AuthError(401, "no_authorization", "This endpoint requires a valid Bearer token"),
  badJwt: (message: string, status = 403) => new AuthError(status, "bad_jwt", message),
  notAdmin: (message = "User not allowed") => new AuthError(403, "not_admin", message),
  sessionNotFound: () =>
    new AuthError(403, "session_not_found", "Session from session_id claim in JWT does not exist"),
  userFromTokenNotFound: () => new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist"),
  userNotFound: (message = "User not found") => new AuthError(404, "user_not_found", message),

  unexpected: () =>
    new AuthError(500, "unexpected_failure", "Unexpected failure, please check server logs for more information"),
};

const API_VERSION_HEADER = "X-Supabase-Api-Version";
const API_VERSION_2024 = "2024-01-01";

/** GoTrue answers in the 2024-01-01 format when the request names that version or a later one. */
function wantsVersion2024(c: Context): boolean {
  const requested = c.req.header(API_VERSION_HEADER);
  return requested !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(requested) && requested >= API_VERSION_2024;
}

export function renderAuthError(c: Context, thrown: unknown): Response {
  if (thrown instanceof OAuthError) {
    return c.json({ error: thrown.error, error_description: thrown.description }, 400);
  }
  const error = thrown instanceof AuthError ? thrown : ERRORS.unexpected();
  if (error !== thrown) console.error("auth: unexpected error", thrown);

  const weakPassword = error.weakPasswordReasons ? { weak_password: { reasons: error.weakPasswordReasons } } : {};
  c.header("x-sb-error-code", error.code);
  // The refused body may still be on its way: this connection cannot carry another request.
  if (error.status === 413) c.header("Connection", "close");
  const status = error.status as ContentfulStatusCode;
  if (wantsVersion2024(c)) {
    c.header(API_VERSION_HEADER, API_VERSION_2024);
    return c.json({ code: error.code, message: error.message, ...weakPassword }, status);
  }
  return c.json({ code: error.status, error_code: error.code, msg: error.message, ...weakPassword }, status);
}
