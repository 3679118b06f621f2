// The signed-in user: GET /user, PUT /user (password, metadata, e-mail change) and POST /logout.
import { Hono } from "hono";
import { z } from "zod";
import { recordAudit, userActor } from "../audit.ts";
import { requireUser, signedInUser } from "../callers.ts";
import { clientInfo, enforceRateLimit, type AuthEnv, type AuthServices } from "../context.ts";
import { sendEmailChange } from "../emails.ts";
import { ERRORS } from "../errors.ts";
import { checkPasswordStrength, hashPassword, passwordMatches } from "../passwords.ts";
import { resolveRedirect } from "../redirects.ts";
import { jsonBody, optionalObject, optionalString, refusePkce, validEmail } from "../request-input.ts";
import { endSessions, type LogoutScope } from "../sessions.ts";
import { findUserByEmail, hasPassword, mergeUserMetadata, reloadUser, storePassword, userJson } from "../users.ts";

const userUpdateBody = z.object({
  email: optionalString,
  password: z.string().nullish(),
  data: optionalObject,
  app_metadata: optionalObject,
  phone: optionalString,
  code_challenge: z.string().nullish(),
});

const LOGOUT_SCOPES: Record<string, LogoutScope> = { "": "global", global: "global", local: "local", others: "others" };

export function userRoutes(services: AuthServices): Hono<AuthEnv> {
  const { sql, settings } = services;
  return new Hono<AuthEnv>()
    .use("/user", requireUser(services))
    .use("/logout", requireUser(services))
    .get("/user", (c) => {
      const user = signedInUser(c);
      if (c.var.claims.aud !== user.aud) throw ERRORS.validation("Token audience doesn't match request audience");
      return c.json(userJson(user));
    })
    .put("/user", async (c) => {
      enforceRateLimit(c, services.limits.userUpdate);
      const body = await jsonBody(c, userUpdateBody);
      const user = signedInUser(c);
      const session = c.var.session;
      const email = body.email ? validEmail(body.email) : "";
      const changesEmail = email !== "" && email !== user.email;
      if (body.phone) throw ERRORS.phoneDisabled();
      if (body.password != null) checkPasswordStrength(body.password, settings);
      if (body.app_metadata) throw ERRORS.notAdmin("Updating app_metadata requires admin privileges");
      if (changesEmail) {
        refusePkce(body.code_challenge);
        const holder = await findUserByEmail(sql, email);
        if (holder && holder.id !== user.id) throw ERRORS.emailExists();
      }
      let encryptedPassword: string | undefined;
      if (body.password != null) {
        if (hasPassword(user) && (await passwordMatches(body.password, user.encrypted_password))) {
          throw ERRORS.samePassword();
        }
        encryptedPassword = await hashPassword(body.password);
      }

      const { ip } = clientInfo(c);
      const updated = await sql.begin(async (tx) => {
        if (encryptedPassword !== undefined) {
          await storePassword(tx, user.id, encryptedPassword);
          // Whoever knew the old password is signed out everywhere else.
          await endSessions(tx, user.id, session?.id, "others");
          await recordAudit(tx, userActor(user), "user_updated_password", { ip });
        }
        if (body.data) await mergeUserMetadata(tx, user.id, body.data);
        if (changesEmail) {
          await sendEmailChange(tx, services, user, email, resolveRedirect(settings, c.req.query("redirect_to")));
        }
        await recordAudit(tx, userActor(user), "user_modified", { ip });
        return reloadUser(tx, user.id);
      });
      return c.json(userJson(updated));
    })
    .post("/logout", async (c) => {
      const scope = LOGOUT_SCOPES[c.req.query("scope") ?? ""];
      if (!scope) throw ERRORS.validation(`Unsupported logout scope "${c.req.query("scope")}"`);
      const user = signedInUser(c);
      await sql.begin(async (tx) => {
        await recordAudit(tx, userActor(user), "logout", { ip: clientInfo(c).ip });
        await endSessions(tx, user.id, c.var.session?.id, scope);
      });
      return c.body(null, 204);
    });
}
