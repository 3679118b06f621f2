// POST /signup with e-mail and password. With confirmations on (the project default) the answer is
// the new user and a confirmation e-mail; an address that is already confirmed gets a look-alike
// fake user, so sign-up cannot be used to find out who has an account.
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { z } from "zod";
import { recordAudit, userActor } from "../audit.ts";
import { clientInfo, enforceRateLimit, type AuthEnv, type AuthServices } from "../context.ts";
import { sendConfirmation } from "../emails.ts";
import { ERRORS } from "../errors.ts";
import { checkPasswordStrength, hashPassword } from "../passwords.ts";
import { resolveRedirect } from "../redirects.ts";
import { optionalObject, optionalString, jsonBody, refusePkce, validEmail } from "../request-input.ts";
import { startSession } from "../sessions.ts";
import {
  confirmEmail,
  EMAIL_APP_METADATA,
  findUserByEmail,
  reloadUser,
  insertEmailIdentity,
  insertUser,
  userJson,
  type Json,
} from "../users.ts";

const signupBody = z.object({
  email: optionalString,
  phone: optionalString,
  password: optionalString,
  data: optionalObject,
  code_challenge: z.string().nullish(),
});

export function signupRoutes(services: AuthServices): Hono<AuthEnv> {
  const { sql, settings } = services;
  return new Hono<AuthEnv>().post("/signup", async (c) => {
    if (!settings.enable_signup) throw ERRORS.signupDisabled();
    const body = await jsonBody(c, signupBody);
    if (!body.email && !body.phone) throw ERRORS.anonymousDisabled();
    enforceRateLimit(c, services.limits.signup);
    refusePkce(body.code_challenge);
    if (!body.password) throw ERRORS.validation("Signup requires a valid password");
    checkPasswordStrength(body.password, settings);
    if (body.email && body.phone) {
      throw ERRORS.validation("Only an email address or phone number should be provided on signup.");
    }
    if (body.phone) throw ERRORS.phoneDisabled("Phone signups are disabled");
    const email = validEmail(body.email);
    const data = body.data ?? {};
    const redirectTo = resolveRedirect(settings, c.req.query("redirect_to"));
    const client = clientInfo(c);
    const autoconfirm = !settings.email.enable_confirmations;
    // Hashed before the lookup, so that new, pending and taken addresses take equally long.
    const encryptedPassword = await hashPassword(body.password);

    const outcome = await sql.begin(async (tx) => {
      const existing = await findUserByEmail(tx, email);
      if (existing?.email_confirmed_at) {
        await recordAudit(tx, userActor(existing), "user_repeated_signup", { traits: { provider: "email" }, ip: client.ip });
        return { alreadyRegistered: true } as const;
      }
      // A pending sign-up is not updated (whoever asks may not own the address): it gets its mail again.
      const userId =
        existing?.id ?? (await insertUser(tx, { email, encryptedPassword, userMetadata: data, appMetadata: EMAIL_APP_METADATA }));
      if (existing) await insertEmailIdentity(tx, userId, email, data);
      const user = await reloadUser(tx, userId);
      if (autoconfirm) {
        await recordAudit(tx, userActor(user), "user_signedup", { traits: { provider: "email" }, ip: client.ip });
        await confirmEmail(tx, userId);
        await recordAudit(tx, userActor(user), "login", { traits: { provider: "email" }, ip: client.ip });
        return { session: await startSession(tx, services, userId, "password", client) };
      }
      await recordAudit(tx, userActor(user), "user_confirmation_requested", { traits: { provider: "email" }, ip: client.ip });
      await sendConfirmation(tx, services, user, redirectTo);
      return { user: userJson(await reloadUser(tx, userId)) };
    });

    if ("alreadyRegistered" in outcome) {
      if (autoconfirm) throw ERRORS.userAlreadyExists();
      return c.json(lookAlikeUser(email, data));
    }
    return c.json("session" in outcome ? outcome.session : outcome.user);
  });
}

/** GoTrue's answer for a taken address: shaped like a fresh sign-up, with no identities and no role. */
function lookAlikeUser(email: string, data: Json): Json {
  const now = new Date();
  return {
    id: randomUUID(),
    aud: "authenticated",
    role: "",
    email,
    phone: "",
    confirmation_sent_at: now,
    app_metadata: EMAIL_APP_METADATA,
    user_metadata: data,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}
