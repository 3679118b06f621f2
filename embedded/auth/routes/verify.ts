// /verify: POST redeems a typed code (email + token) or a token hash and answers with a session;
// GET is the e-mail link, answering with a 303 to redirect_to carrying the session (or the error)
// in the URL fragment, where the page's supabase-js picks it up.
import { Hono } from "hono";
import { z } from "zod";
import { clientInfo, enforceRateLimit, type AuthContext, type AuthEnv, type AuthServices } from "../context.ts";
import { AuthError, ERRORS } from "../errors.ts";
import { tokenHash } from "../one-time-tokens.ts";
import { resolveRedirect } from "../redirects.ts";
import { jsonBody, optionalString, validEmail } from "../request-input.ts";
import { HALF_CONFIRMED_MESSAGE, isVerifyType, verifyOneTimeToken, type VerifyType } from "../verification.ts";

const verifyBody = z.object({
  type: optionalString,
  token: optionalString,
  token_hash: optionalString,
  email: optionalString,
  phone: optionalString,
  redirect_to: optionalString,
});

// The `error` GoTrue puts next to error_code in a redirect, by HTTP status (OAuth 2 names).
const OAUTH_ERROR_NAMES: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized_client",
  403: "access_denied",
  500: "server_error",
  503: "temporarily_unavailable",
};

export function verifyRoutes(services: AuthServices): Hono<AuthEnv> {
  return new Hono<AuthEnv>()
    .post("/verify", async (c) => {
      enforceRateLimit(c, services.limits.verify);
      const body = await jsonBody(c, verifyBody);
      const type = requireType(body.type);
      if (Boolean(body.token) === Boolean(body.token_hash)) {
        throw ERRORS.validation("Verify requires either a token or a token hash");
      }
      let hash: string;
      let failure: "Email link is invalid or has expired" | "Token has expired or is invalid";
      if (body.token) {
        if (body.email && body.phone) {
          throw ERRORS.validation("Only an email address or phone number should be provided on verify");
        }
        // No phone user can exist here (SMS is off), so a phone code is simply wrong.
        if (!body.email) throw ERRORS.otpExpired("Token has expired or is invalid");
        hash = tokenHash(validTypedEmail(body.email), body.token);
        failure = "Token has expired or is invalid";
      } else {
        if (body.email || body.phone || body.redirect_to) {
          throw ERRORS.validation("Only the token_hash and type should be provided");
        }
        hash = body.token_hash;
        failure = "Email link is invalid or has expired";
      }
      const outcome = await verifyOneTimeToken(services, { type, tokenHash: hash, failure, client: clientInfo(c) });
      if ("halfConfirmed" in outcome) return c.json({ msg: HALF_CONFIRMED_MESSAGE, code: "200" });
      return c.json(outcome.signedIn);
    })
    .get("/verify", async (c) => {
      enforceRateLimit(c, services.limits.verify);
      const type = requireType(c.req.query("type") ?? "");
      const token = c.req.query("token");
      if (!token) throw ERRORS.validation("Verify requires a token or a token hash");
      const redirectTo = resolveRedirect(services.settings, c.req.query("redirect_to"));
      try {
        const outcome = await verifyOneTimeToken(services, {
          type,
          tokenHash: token,
          failure: "Email link is invalid or has expired",
          client: clientInfo(c),
        });
        if ("halfConfirmed" in outcome) return redirectWithFragment(c, redirectTo, { message: HALF_CONFIRMED_MESSAGE });
        const session = outcome.signedIn;
        return redirectWithFragment(c, redirectTo, {
          access_token: session.access_token,
          expires_at: String(session.expires_at),
          expires_in: String(session.expires_in),
          refresh_token: session.refresh_token,
          token_type: session.token_type,
          type: outcome.type,
        });
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        const name = OAUTH_ERROR_NAMES[error.status];
        return redirectWithFragment(c, redirectTo, {
          ...(name ? { error: name } : {}),
          error_code: error.code,
          error_description: error.message,
        });
      }
    });
}

function requireType(type: string): VerifyType {
  if (type === "") throw ERRORS.validation("Verify requires a verification type");
  if (!isVerifyType(type)) throw ERRORS.validation("Unsupported verification type");
  return type;
}

function validTypedEmail(email: string): string {
  try {
    return validEmail(email);
  } catch {
    throw ERRORS.validation("Invalid email format", 422);
  }
}

/** 303 to `target` with `values` (plus GoTrue's `sb` marker) as the fragment, keys sorted as Go encodes them. */
function redirectWithFragment(c: AuthContext, target: string, values: Record<string, string>): Response {
  const url = new URL(target);
  const entries = Object.entries({ ...values, sb: "" }).sort(([a], [b]) => (a < b ? -1 : 1));
  url.hash = new URLSearchParams(entries).toString();
  return c.redirect(url.toString(), 303);
}
