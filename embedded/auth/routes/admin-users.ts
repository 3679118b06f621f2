// /admin/users: list, create, read, update and delete users with an admin token (service_role).
import { Hono } from "hono";
import { z } from "zod";
import { adminActor, recordAudit } from "../audit.ts";
import { isUuid, requireAdmin } from "../callers.ts";
import { clientInfo, type AuthContext, type AuthEnv, type AuthServices } from "../context.ts";
import { ERRORS } from "../errors.ts";
import { parseGoDuration } from "../go-duration.ts";
import { checkPasswordStrength, hashPassword } from "../passwords.ts";
import { jsonBody, optionalObject, optionalString, validEmail } from "../request-input.ts";
import { endSessions } from "../sessions.ts";
import {
  confirmEmail,
  DEFAULT_AUD,
  deleteUser,
  EMAIL_APP_METADATA,
  findUserByEmail,
  findUserById,
  insertEmailIdentity,
  insertUser,
  listUsers,
  mergeAppMetadata,
  mergeUserMetadata,
  NIL_UUID,
  reloadUser,
  setBannedUntil,
  setEmail,
  setRole,
  softDeleteUser,
  storePassword,
  updateEmailIdentity,
  userJson,
  type UserRow,
} from "../users.ts";

const adminUserBody = z.object({
  id: optionalString,
  aud: optionalString,
  role: optionalString,
  email: optionalString,
  phone: optionalString,
  password: z.string().nullish(),
  password_hash: optionalString,
  email_confirm: z.boolean().nullish(),
  phone_confirm: z.boolean().nullish(),
  user_metadata: optionalObject,
  app_metadata: optionalObject,
  ban_duration: optionalString,
});
type AdminUserBody = z.infer<typeof adminUserBody>;

const deleteBody = z.object({ should_soft_delete: z.boolean().nullish() });

// auth-js sends page and per_page always, as empty strings when the caller gave none.
const pageNumber = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return fallback;
      if (!/^\d+$/.test(value) || Number(value) < 1) {
        ctx.addIssue({ code: "custom", message: `Bad Pagination Parameters: invalid value ${value}` });
        return z.NEVER;
      }
      return Number(value);
    });
const listQuery = z.object({ page: pageNumber(1), per_page: pageNumber(50), filter: z.string().default("") });

const BCRYPT_HASH = /^\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const MAX_BCRYPT_PASSWORD_BYTES = 72;

export function adminUserRoutes(services: AuthServices): Hono<AuthEnv> {
  const { sql } = services;
  const admin = new Hono<AuthEnv>().use("*", requireAdmin(services));

  admin.get("/", async (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw ERRORS.validation(parsed.error.issues[0]!.message);
    const { page, per_page: perPage, filter } = parsed.data;
    const { users, total } = await listUsers(sql, { aud: DEFAULT_AUD, filter, limit: perPage, offset: (page - 1) * perPage });
    c.header("X-Total-Count", String(total));
    c.header("Link", paginationLinks(services, page, perPage, total, filter));
    return c.json({ users: users.map(userJson), aud: DEFAULT_AUD });
  });

  admin.post("/", async (c) => {
    const body = await jsonBody(c, adminUserBody);
    if (!body.email && !body.phone) throw ERRORS.validation("Cannot create a user without either an email or phone");
    if (body.phone) throw ERRORS.phoneDisabled();
    const email = validEmail(body.email);
    if (await findUserByEmail(sql, email)) throw ERRORS.emailExists();
    if (body.password != null && body.password_hash) {
      throw ERRORS.validation("Only a password or a password hash should be provided");
    }
    const id = body.id ? validUserId(body.id) : undefined;
    const bannedUntil = banEnd(body.ban_duration);
    const encryptedPassword = await initialPassword(body);

    const created = await sql.begin(async (tx) => {
      const userId = await insertUser(tx, {
        id,
        email,
        encryptedPassword,
        userMetadata: body.user_metadata ?? {},
        appMetadata: EMAIL_APP_METADATA,
        role: body.role || undefined,
        aud: body.aud || undefined,
      });
      await recordAudit(tx, adminActor(adminRole(c)), "user_signedup", {
        ip: clientInfo(c).ip,
        traits: { user_id: userId, user_email: email, user_phone: "", provider: "email" },
      });
      if (body.app_metadata) await mergeAppMetadata(tx, userId, body.app_metadata);
      if (body.email_confirm) await confirmEmail(tx, userId);
      if (bannedUntil !== undefined) await setBannedUntil(tx, userId, bannedUntil);
      return reloadUser(tx, userId);
    });
    return c.json(userJson(created));
  });

  admin.get("/:id", async (c) => c.json(userJson(await targetUser(c, services))));

  admin.put("/:id", async (c) => {
    const user = await targetUser(c, services);
    const body = await jsonBody(c, adminUserBody);
    const email = body.email ? validEmail(body.email) : "";
    if (body.phone) throw ERRORS.phoneDisabled();
    if (email && email !== user.email) {
      const holder = await findUserByEmail(sql, email);
      if (holder && holder.id !== user.id) throw ERRORS.emailExists();
    }
    const bannedUntil = banEnd(body.ban_duration);
    let encryptedPassword: string | undefined;
    if (body.password != null) {
      checkPasswordStrength(body.password, services.settings);
      encryptedPassword = await hashPassword(body.password);
    }

    const updated = await sql.begin(async (tx) => {
      if (body.role) await setRole(tx, user.id, body.role);
      if (body.email_confirm) await confirmEmail(tx, user.id);
      if (encryptedPassword !== undefined) {
        await storePassword(tx, user.id, encryptedPassword);
        await endSessions(tx, user.id, undefined, "global");
      }
      if (email) {
        if (user.identities.some((identity) => identity.provider === "email")) {
          await updateEmailIdentity(tx, user.id, { email, email_verified: Boolean(body.email_confirm) });
        } else {
          await insertEmailIdentity(tx, user.id, email);
        }
        await setEmail(tx, user.id, email);
      }
      if (body.app_metadata) await mergeAppMetadata(tx, user.id, body.app_metadata);
      if (body.user_metadata) await mergeUserMetadata(tx, user.id, body.user_metadata);
      if (bannedUntil !== undefined) await setBannedUntil(tx, user.id, bannedUntil);
      await recordAudit(tx, adminActor(adminRole(c)), "user_modified", {
        ip: clientInfo(c).ip,
        traits: { user_id: user.id, user_email: email || user.email, user_phone: user.phone ?? "" },
      });
      return reloadUser(tx, user.id);
    });
    return c.json(userJson(updated));
  });

  admin.delete("/:id", async (c) => {
    const user = await targetUser(c, services);
    const { should_soft_delete } = await jsonBody(c, deleteBody);
    await sql.begin(async (tx) => {
      await recordAudit(tx, adminActor(adminRole(c)), "user_deleted", {
        ip: clientInfo(c).ip,
        traits: { user_id: user.id, user_email: user.email, user_phone: user.phone ?? "" },
      });
      if (!should_soft_delete) await deleteUser(tx, user.id);
      else if (!user.deleted_at) await softDeleteUser(tx, user);
    });
    return c.json({});
  });

  return new Hono<AuthEnv>().route("/admin/users", admin);
}

export function adminRole(c: AuthContext): string {
  return String(c.var.claims.role);
}

async function targetUser(c: AuthContext, services: AuthServices): Promise<UserRow> {
  const id = c.req.param("id") ?? "";
  if (!isUuid(id)) throw ERRORS.validation("user_id must be an UUID", 404);
  const user = await findUserById(services.sql, id);
  if (!user) throw ERRORS.userNotFound();
  return user;
}

function validUserId(id: string): string {
  if (!isUuid(id)) throw ERRORS.validation("ID must conform to the uuid v4 format");
  if (id === NIL_UUID) throw ERRORS.validation("ID cannot be a nil uuid");
  return id.toLowerCase();
}

/** undefined: leave as is; null: lift the ban; a date: banned until then. */
function banEnd(banDuration: string): Date | null | undefined {
  if (banDuration === "") return undefined;
  if (banDuration === "none") return null;
  const ms = parseGoDuration(banDuration);
  if (ms === undefined) throw ERRORS.validation(`invalid format for ban duration: time: invalid duration "${banDuration}"`);
  return ms === 0 ? null : new Date(Date.now() + ms);
}

/** A user created without a password has none: they cannot use the password grant until they set one. */
async function initialPassword(body: AdminUserBody): Promise<string> {
  if (body.password_hash) {
    if (!BCRYPT_HASH.test(body.password_hash)) throw ERRORS.validation("password_hash must be a bcrypt hash");
    return body.password_hash;
  }
  if (!body.password) return "";
  if (Buffer.byteLength(body.password) > MAX_BCRYPT_PASSWORD_BYTES) {
    throw ERRORS.validation("bcrypt: password length exceeds 72 bytes");
  }
  return hashPassword(body.password);
}

/**
 * GoTrue's pagination links. auth-js reads the page number right after the first `=` of each URL,
 * so `page` must come first.
 */
function paginationLinks(services: AuthServices, page: number, perPage: number, total: number, filter: string): string {
  const lastPage = Math.ceil(total / perPage);
  const link = (target: number, rel: string) => {
    const query = new URLSearchParams({ page: String(target), per_page: String(perPage), ...(filter ? { filter } : {}) });
    return `<${services.externalUrl}/admin/users?${query}>; rel="${rel}"`;
  };
  return [...(lastPage > page ? [link(page + 1, "next")] : []), link(lastPage, "last")].join(", ");
}
