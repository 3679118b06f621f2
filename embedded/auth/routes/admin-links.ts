// POST /admin/generate_link (the links the Auth mails would carry, handed to the admin instead of
// sent) and POST /invite (create a password-less user and mail them an invitation).
import { Hono } from "hono";
import { z } from "zod";
import { adminActor, recordAudit, userActor } from "../audit.ts";
import { requireAdmin } from "../callers.ts";
import { clientInfo, type AuthEnv, type AuthServices } from "../context.ts";
import { actionLink, newToken, sendInvite, type LinkType } from "../emails.ts";
import { ERRORS } from "../errors.ts";
import { tokenHash } from "../one-time-tokens.ts";
import { checkPasswordStrength, hashPassword } from "../passwords.ts";
import { isAllowedRedirect, resolveRedirect } from "../redirects.ts";
import { jsonBody, optionalObject, optionalString, validEmail } from "../request-input.ts";
import {
  EMAIL_APP_METADATA,
  findUserByEmail,
  insertUser,
  mergeUserMetadata,
  reloadUser,
  storeConfirmationToken,
  storeEmailChange,
  storeRecoveryToken,
  userJson,
} from "../users.ts";
import { adminRole } from "./admin-users.ts";

const LINK_TYPES = ["signup", "invite", "magiclink", "recovery", "email_change_current", "email_change_new"] as const;
type GeneratedLinkType = (typeof LINK_TYPES)[number];

const generateLinkBody = z.object({
  type: optionalString,
  email: optionalString,
  new_email: optionalString,
  password: optionalString,
  data: optionalObject,
  redirect_to: optionalString,
});
const inviteBody = z.object({ email: optionalString, data: optionalObject });

export function adminLinkRoutes(services: AuthServices): Hono<AuthEnv> {
  const { sql, settings } = services;
  return new Hono<AuthEnv>()
    .use("/admin/generate_link", requireAdmin(services))
    .use("/invite", requireAdmin(services))
    .post("/admin/generate_link", async (c) => {
      const body = await jsonBody(c, generateLinkBody);
      const email = validEmail(body.email);
      const redirectTo =
        body.redirect_to && isAllowedRedirect(settings, body.redirect_to)
          ? body.redirect_to
          : resolveRedirect(settings, c.req.query("redirect_to"));
      if (!(LINK_TYPES as readonly string[]).includes(body.type)) {
        throw ERRORS.validation(`Invalid email action link type requested: ${body.type}`);
      }
      const existing = await findUserByEmail(sql, email);
      // A magic link for a new address signs them up, without a password (GoTrue: one nobody knows).
      const magicSignup = !existing && body.type === "magiclink";
      const type = magicSignup ? "signup" : (body.type as GeneratedLinkType);
      if (!existing && ["recovery", "email_change_current", "email_change_new"].includes(type)) {
        throw ERRORS.userNotFound("User with this email not found");
      }
      let encryptedPassword = "";
      if (type === "signup" && !existing && !magicSignup) {
        if (!body.password) throw ERRORS.validation("Signup requires a valid password");
        checkPasswordStrength(body.password, settings);
        encryptedPassword = await hashPassword(body.password);
      }
      const token = newToken(services, email);
      const { ip } = clientInfo(c);

      const generated = await sql.begin(async (tx) => {
        let userId = existing?.id;
        let hash = token.hash;
        const createUser = () =>
          insertUser(tx, { email, encryptedPassword, userMetadata: body.data ?? {}, appMetadata: EMAIL_APP_METADATA });
        switch (type) {
          case "magiclink":
          case "recovery":
            await recordAudit(tx, userActor(existing!), "user_recovery_requested", { ip });
            await storeRecoveryToken(tx, userId!, hash);
            break;
          case "invite":
            if (existing?.email_confirmed_at) throw ERRORS.emailExists();
            userId ??= await createUser();
            await recordAudit(tx, adminActor(adminRole(c)), "user_invited", {
              ip,
              traits: { user_id: userId, user_email: email },
            });
            await storeConfirmationToken(tx, userId, hash, { invited: true });
            break;
          case "signup":
            if (existing?.email_confirmed_at) throw ERRORS.emailExists();
            if (existing && body.data) await mergeUserMetadata(tx, existing.id, body.data);
            userId ??= await createUser();
            await storeConfirmationToken(tx, userId, hash);
            break;
          case "email_change_current":
          case "email_change_new": {
            if (type === "email_change_current" && !settings.email.double_confirm_changes) {
              throw ERRORS.validation("Enable secure email change to generate link for current email");
            }
            const newEmail = validEmail(body.new_email);
            const holder = await findUserByEmail(tx, newEmail);
            if (holder && holder.id !== userId) throw ERRORS.emailExists();
            if (type === "email_change_current") {
              await storeEmailChange(tx, userId!, { newEmail, currentAddressToken: hash });
            } else {
              hash = tokenHash(newEmail, token.otp);
              await storeEmailChange(tx, userId!, { newEmail, newAddressToken: hash });
            }
            break;
          }
        }
        const linkType: LinkType = type.startsWith("email_change") ? "email_change" : (type as LinkType);
        return { user: await reloadUser(tx, userId!), hash, link: actionLink(services, hash, linkType, redirectTo) };
      });

      return c.json({
        ...userJson(generated.user),
        action_link: generated.link,
        email_otp: token.otp,
        hashed_token: generated.hash,
        verification_type: type,
        redirect_to: redirectTo,
      });
    })
    .post("/invite", async (c) => {
      const body = await jsonBody(c, inviteBody);
      const email = validEmail(body.email);
      const existing = await findUserByEmail(sql, email);
      if (existing?.email_confirmed_at) throw ERRORS.emailExists();
      const invited = await sql.begin(async (tx) => {
        const userId =
          existing?.id ??
          (await insertUser(tx, {
            email,
            encryptedPassword: "",
            userMetadata: body.data ?? {},
            appMetadata: EMAIL_APP_METADATA,
          }));
        await recordAudit(tx, adminActor(adminRole(c)), "user_invited", {
          ip: clientInfo(c).ip,
          traits: { user_id: userId, user_email: email },
        });
        const user = await reloadUser(tx, userId);
        await sendInvite(tx, services, user, resolveRedirect(settings, c.req.query("redirect_to")));
        return reloadUser(tx, userId);
      });
      return c.json(userJson(invited));
    });
}
