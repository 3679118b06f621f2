// POST /recover (password reset mail) and POST /resend (confirmation or e-mail change mail again).
// Both answer {} whether or not the address has an account.
import { Hono } from "hono";
import { z } from "zod";
import { recordAudit, userActor } from "../audit.ts";
import { clientInfo, enforceRateLimit, type AuthEnv, type AuthServices } from "../context.ts";
import { sendConfirmation, sendEmailChange, sendRecovery } from "../emails.ts";
import { ERRORS } from "../errors.ts";
import { resolveRedirect } from "../redirects.ts";
import { jsonBody, optionalString, refusePkce, validEmail } from "../request-input.ts";
import { findUserByEmail } from "../users.ts";

const recoverBody = z.object({ email: optionalString, code_challenge: z.string().nullish() });
const resendBody = z.object({
  type: optionalString,
  email: optionalString,
  phone: optionalString,
  code_challenge: z.string().nullish(),
});

export function recoverRoutes(services: AuthServices): Hono<AuthEnv> {
  const { sql, settings } = services;
  return new Hono<AuthEnv>()
    .post("/recover", async (c) => {
      enforceRateLimit(c, services.limits.recover);
      const body = await jsonBody(c, recoverBody);
      if (!body.email) throw ERRORS.validation("Password recovery requires an email");
      const email = validEmail(body.email);
      refusePkce(body.code_challenge);
      const user = await findUserByEmail(sql, email);
      if (user) {
        const { ip } = clientInfo(c);
        await sql.begin(async (tx) => {
          await recordAudit(tx, userActor(user), "user_recovery_requested", { ip });
          await sendRecovery(tx, services, user, resolveRedirect(settings, c.req.query("redirect_to")));
        });
      }
      return c.json({});
    })
    .post("/resend", async (c) => {
      enforceRateLimit(c, services.limits.resend);
      const body = await jsonBody(c, resendBody);
      if (!["signup", "email_change", "sms", "phone_change"].includes(body.type)) {
        throw ERRORS.validation("Missing one of these types: signup, email_change, sms, phone_change");
      }
      if (!body.email && body.type === "signup") throw ERRORS.validation("Type provided requires an email address");
      if (!body.phone && body.type === "sms") throw ERRORS.validation("Type provided requires a phone number");
      if (body.email && body.phone) {
        throw ERRORS.validation("Only an email address or phone number should be provided.");
      }
      if (body.phone) throw ERRORS.phoneDisabled();
      if (!body.email) throw ERRORS.validation("Missing email address or phone number");
      const email = validEmail(body.email);
      refusePkce(body.code_challenge);

      const user = await findUserByEmail(sql, email);
      const redirectTo = resolveRedirect(settings, c.req.query("redirect_to"));
      if (user && body.type === "signup" && !user.email_confirmed_at) {
        const { ip } = clientInfo(c);
        await sql.begin(async (tx) => {
          await recordAudit(tx, userActor(user), "user_confirmation_requested", { ip });
          await sendConfirmation(tx, services, user, redirectTo);
        });
      } else if (user && body.type === "email_change" && user.email_change) {
        await sql.begin((tx) => sendEmailChange(tx, services, user, user.email_change, redirectTo));
      }
      return c.json({});
    });
}
