// POST /token?grant_type=password|refresh_token: sign in, and keep a session alive.
import { Hono } from "hono";
import { z } from "zod";
import { recordAudit, userActor } from "../audit.ts";
import { clientInfo, enforceRateLimit, type AuthContext, type AuthEnv, type AuthServices } from "../context.ts";
import { AuthError, ERRORS } from "../errors.ts";
import { checkPasswordStrength, passwordMatches } from "../passwords.ts";
import { optionalString, jsonBody } from "../request-input.ts";
import { refreshSession, startSession } from "../sessions.ts";
import { findUserByEmail, isBanned } from "../users.ts";

const passwordGrantBody = z.object({ email: optionalString, phone: optionalString, password: optionalString });
const refreshGrantBody = z.object({ refresh_token: optionalString });

export function tokenRoutes(services: AuthServices): Hono<AuthEnv> {
  return new Hono<AuthEnv>().post("/token", async (c) => {
    switch (c.req.query("grant_type")) {
      case "password":
        enforceRateLimit(c, services.limits.signIn);
        return passwordGrant(c, services);
      case "refresh_token": {
        enforceRateLimit(c, services.limits.tokenRefresh);
        const { refresh_token } = await jsonBody(c, refreshGrantBody);
        if (!refresh_token) throw ERRORS.refreshTokenRequired();
        return c.json(await refreshSession(services, refresh_token, clientInfo(c)));
      }
      default:
        throw ERRORS.unsupportedGrantType();
    }
  });
}

async function passwordGrant(c: AuthContext, services: AuthServices): Promise<Response> {
  const body = await jsonBody(c, passwordGrantBody);
  if (body.email && body.phone) {
    throw ERRORS.validation("Only an email address or phone number should be provided on login.");
  }
  if (body.phone) throw ERRORS.phoneDisabled("Phone logins are disabled", 422);
  if (!body.email) throw ERRORS.validation("missing email or phone");

  // Unknown address, no password and wrong password: one bcrypt comparison and one answer each.
  const user = await findUserByEmail(services.sql, body.email);
  const valid = await passwordMatches(body.password, user?.encrypted_password);
  if (!user || !valid) throw ERRORS.invalidCredentials();
  if (isBanned(user)) throw ERRORS.userBanned(400);
  if (!user.email_confirmed_at) throw ERRORS.emailNotConfirmed();

  const client = clientInfo(c);
  const session = await services.sql.begin(async (tx) => {
    await recordAudit(tx, userActor(user), "login", { traits: { provider: "email" }, ip: client.ip });
    return startSession(tx, services, user.id, "password", client);
  });
  return c.json({ ...session, ...weakPasswordNotice(body.password, services) });
}

/** A password that no longer meets the rules still signs in; the answer says so (auth-js: data.weakPassword). */
function weakPasswordNotice(password: string, services: AuthServices) {
  try {
    checkPasswordStrength(password, services.settings);
    return {};
  } catch (error) {
    if (error instanceof AuthError && error.weakPasswordReasons) {
      return { weak_password: { message: error.message, reasons: error.weakPasswordReasons } };
    }
    return {};
  }
}
