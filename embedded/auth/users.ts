// auth.users and auth.identities as GoTrue keeps them, and the user object it returns as JSON.
// Every statement takes the connection to run on, so callers choose the transaction.
import { createHash, randomUUID } from "node:crypto";
import type postgres from "postgres";

/** GoTrue's single-tenant instance id, also the actor id of admin-API actions. */
export const NIL_UUID = "00000000-0000-0000-0000-000000000000";
export const DEFAULT_AUD = "authenticated";
export const DEFAULT_ROLE = "authenticated";
/** app_metadata of an e-mail user; admins may add to it. */
export const EMAIL_APP_METADATA = { provider: "email", providers: ["email"] };

export type Json = Record<string, unknown>;
type Sql = postgres.Sql | postgres.TransactionSql;

export interface IdentityRow {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: Json;
  provider: string;
  last_sign_in_at: string | null;
  created_at: string;
  updated_at: string;
  email: string | null;
}

export interface UserRow {
  id: string;
  aud: string;
  role: string;
  email: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  invited_at: Date | null;
  confirmation_token: string;
  confirmation_sent_at: Date | null;
  recovery_token: string;
  recovery_sent_at: Date | null;
  email_change_token_new: string;
  email_change: string;
  email_change_sent_at: Date | null;
  email_change_token_current: string;
  email_change_confirm_status: number;
  last_sign_in_at: Date | null;
  raw_app_meta_data: Json | null;
  raw_user_meta_data: Json | null;
  created_at: Date;
  updated_at: Date;
  phone: string | null;
  phone_confirmed_at: Date | null;
  phone_change: string;
  phone_change_sent_at: Date | null;
  confirmed_at: Date | null;
  reauthentication_sent_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
  identities: IdentityRow[];
}

/** The columns that hold hashed one-time tokens, and when each was sent. */
export type TokenColumn = "confirmation_token" | "recovery_token" | "email_change_token_current" | "email_change_token_new";

function selectUsers(sql: Sql, condition: postgres.Fragment, rest: postgres.Fragment = sql``) {
  return sql<UserRow[]>`
    select u.*,
      coalesce((select json_agg(i order by i.created_at) from auth.identities i where i.user_id = u.id), '[]') as identities
    from auth.users u
    where ${condition}
    ${rest}`;
}

export async function findUserById(sql: Sql, id: string): Promise<UserRow | undefined> {
  return (await selectUsers(sql, sql`u.id = ${id}`))[0];
}

/** A user this transaction has just written, read back with its generated columns and identities. */
export async function reloadUser(sql: Sql, id: string): Promise<UserRow> {
  const user = await findUserById(sql, id);
  if (!user) throw new Error(`user ${id} vanished`);
  return user;
}

export async function findUserByEmail(sql: Sql, email: string, aud = DEFAULT_AUD): Promise<UserRow | undefined> {
  const rows = await selectUsers(sql, sql`lower(u.email) = ${email.toLowerCase()} and u.aud = ${aud} and not u.is_sso_user`);
  return rows[0];
}

/** The user holding this one-time token hash in one of `columns`, locked for the transaction. */
export async function findUserByTokenForUpdate(
  sql: postgres.TransactionSql,
  columns: TokenColumn[],
  tokenHash: string,
): Promise<UserRow | undefined> {
  if (tokenHash === "") return undefined;
  const matches = columns.map((column) => sql`u.${sql(column)} = ${tokenHash}`);
  const condition = matches.reduce((all, match) => sql`${all} or ${match}`);
  return (await selectUsers(sql, sql`(${condition})`, sql`for update of u`))[0];
}

export interface UserPage {
  users: UserRow[];
  total: number;
}

/** The admin listing: newest first, optionally only addresses or names containing `filter`. */
export async function listUsers(
  sql: Sql,
  { aud, filter, limit, offset }: { aud: string; filter: string; limit: number; offset: number },
): Promise<UserPage> {
  const pattern = `%${filter.replace(/[\\%_]/g, "\\$&")}%`;
  const condition = filter
    ? sql`u.aud = ${aud} and (u.email ilike ${pattern} or u.raw_user_meta_data ->> 'full_name' ilike ${pattern})`
    : sql`u.aud = ${aud}`;
  const [{ count }] = await sql<[{ count: number }]>`select count(*)::int as count from auth.users u where ${condition}`;
  const users = await selectUsers(sql, condition, sql`order by u.created_at desc, u.id limit ${limit} offset ${offset}`);
  return { users, total: count };
}

export interface NewUser {
  id?: string;
  email: string;
  encryptedPassword: string;
  userMetadata: Json;
  appMetadata: Json;
  role?: string;
  aud?: string;
}

/** A new e-mail user with its `email` identity, as sign-up and the admin API create them. */
export async function insertUser(sql: Sql, user: NewUser): Promise<string> {
  const id = user.id ?? randomUUID();
  await sql`
    insert into auth.users (instance_id, id, aud, role, email, encrypted_password, raw_app_meta_data, raw_user_meta_data,
                            created_at, updated_at, is_sso_user, is_anonymous)
    values (${NIL_UUID}, ${id}, ${user.aud ?? DEFAULT_AUD}, ${user.role ?? DEFAULT_ROLE}, ${user.email},
            ${user.encryptedPassword}, ${sql.json(user.appMetadata as postgres.JSONValue)},
            ${sql.json(user.userMetadata as postgres.JSONValue)}, now(), now(), false, false)`;
  await insertEmailIdentity(sql, id, user.email, user.userMetadata);
  return id;
}

export async function insertEmailIdentity(sql: Sql, userId: string, email: string, extraData: Json = {}): Promise<void> {
  // GoTrue's identity data for e-mail users: the claims it knows, plus sign-up data it does not.
  const identityData = { ...extraData, sub: userId, email, email_verified: false, phone_verified: false };
  await sql`
    insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
    values (${userId}, ${userId}, ${sql.json(identityData as postgres.JSONValue)}, 'email', now(), now(), now())
    on conflict (provider_id, provider) do nothing`;
}

export async function updateEmailIdentity(sql: Sql, userId: string, changes: Json): Promise<void> {
  await sql`
    update auth.identities set identity_data = identity_data || ${sql.json(changes as postgres.JSONValue)}, updated_at = now()
    where user_id = ${userId} and provider = 'email'`;
}

/** GoTrue's metadata merge: keys set to null are removed, the others replaced. */
function mergeJson(sql: Sql, column: "raw_user_meta_data" | "raw_app_meta_data", updates: Json) {
  const removed = Object.keys(updates).filter((key) => updates[key] === null);
  const kept = Object.fromEntries(Object.entries(updates).filter(([, value]) => value !== null));
  return sql`(coalesce(${sql(column)}, '{}'::jsonb) - ${removed}::text[]) || ${sql.json(kept as postgres.JSONValue)}`;
}

export async function mergeUserMetadata(sql: Sql, id: string, updates: Json): Promise<void> {
  await sql`update auth.users set raw_user_meta_data = ${mergeJson(sql, "raw_user_meta_data", updates)}, updated_at = now()
            where id = ${id}`;
}

export async function mergeAppMetadata(sql: Sql, id: string, updates: Json): Promise<void> {
  await sql`update auth.users set raw_app_meta_data = ${mergeJson(sql, "raw_app_meta_data", updates)}, updated_at = now()
            where id = ${id}`;
}

export async function confirmEmail(sql: Sql, id: string): Promise<void> {
  await sql`update auth.users set email_confirmed_at = now(), confirmation_token = '', updated_at = now() where id = ${id}`;
  await mergeUserMetadata(sql, id, { email_verified: true });
  await updateEmailIdentity(sql, id, { email_verified: true });
}

export async function clearRecoveryToken(sql: Sql, id: string): Promise<void> {
  await sql`update auth.users set recovery_token = '', updated_at = now() where id = ${id}`;
}

/** Stores a freshly mailed one-time token (hashed) and when it was sent. */
export async function storeConfirmationToken(sql: Sql, id: string, tokenHash: string, { invited = false } = {}) {
  await sql`
    update auth.users set confirmation_token = ${tokenHash}, confirmation_sent_at = now(), updated_at = now(),
      invited_at = ${invited ? sql`now()` : sql`invited_at`}
    where id = ${id}`;
}

export async function storeRecoveryToken(sql: Sql, id: string, tokenHash: string): Promise<void> {
  await sql`update auth.users set recovery_token = ${tokenHash}, recovery_sent_at = now(), updated_at = now() where id = ${id}`;
}

export interface PendingEmailChange {
  newEmail: string;
  /** Hash for the link sent to the new address ('' keeps the stored one). */
  newAddressToken?: string;
  /** Hash for the link sent to the current address (double confirmation). */
  currentAddressToken?: string;
}

export async function storeEmailChange(sql: Sql, id: string, change: PendingEmailChange): Promise<void> {
  await sql`
    update auth.users set
      email_change = ${change.newEmail},
      email_change_token_new = ${change.newAddressToken ?? sql`email_change_token_new`},
      email_change_token_current = ${change.currentAddressToken ?? sql`email_change_token_current`},
      email_change_confirm_status = 0, email_change_sent_at = now(), updated_at = now()
    where id = ${id}`;
}

/** First half of a double-confirmed change: that address's link is used up. */
export async function acceptEmailChangeHalf(sql: Sql, id: string, usedColumn: TokenColumn): Promise<void> {
  await sql`update auth.users set ${sql(usedColumn)} = '', email_change_confirm_status = 1, updated_at = now()
            where id = ${id}`;
}

export async function completeEmailChange(sql: Sql, user: UserRow): Promise<void> {
  await sql`
    update auth.users set email = email_change, email_change = '', email_change_token_current = '',
      email_change_token_new = '', email_change_confirm_status = 0, updated_at = now()
    where id = ${user.id}`;
  await updateEmailIdentity(sql, user.id, { email: user.email_change, email_verified: true });
  if (!user.email_confirmed_at) await confirmEmail(sql, user.id);
}

/** A new password invalidates every pending e-mailed token (GoTrue: the old password may be compromised). */
export async function storePassword(sql: Sql, id: string, encryptedPassword: string): Promise<void> {
  await sql`
    update auth.users set encrypted_password = ${encryptedPassword},
      confirmation_token = '', confirmation_sent_at = null, recovery_token = '', recovery_sent_at = null,
      email_change_token_current = '', email_change_token_new = '', email_change_sent_at = null,
      phone_change_token = '', phone_change_sent_at = null, reauthentication_token = '', reauthentication_sent_at = null,
      updated_at = now()
    where id = ${id}`;
}

export async function setEmail(sql: Sql, id: string, email: string): Promise<void> {
  await sql`update auth.users set email = ${email}, updated_at = now() where id = ${id}`;
}

export async function setRole(sql: Sql, id: string, role: string): Promise<void> {
  await sql`update auth.users set role = ${role}, updated_at = now() where id = ${id}`;
}

/** null lifts a ban. */
export async function setBannedUntil(sql: Sql, id: string, until: Date | null): Promise<void> {
  await sql`update auth.users set banned_until = ${until}, updated_at = now() where id = ${id}`;
}

export async function touchLastSignIn(sql: Sql, id: string): Promise<void> {
  await sql`update auth.users set last_sign_in_at = now() where id = ${id}`;
}

export async function deleteUser(sql: Sql, id: string): Promise<void> {
  await sql`delete from auth.users where id = ${id}`;
}

/** GoTrue's soft delete: the row stays, its identifying data is replaced by unguessable hashes. */
export async function softDeleteUser(sql: Sql, user: UserRow): Promise<void> {
  const obfuscate = (value: string) => createHash("sha256").update(user.id + value).digest("base64url");
  await sql`
    update auth.users set
      email = ${obfuscate(user.email ?? "")}, phone = ${user.phone === null ? null : obfuscate(user.phone).slice(0, 15)},
      email_change = ${user.email_change ? obfuscate(user.email_change) : ""}, encrypted_password = null,
      confirmation_token = '', recovery_token = '', email_change_token_current = '', email_change_token_new = '',
      phone_change_token = '', raw_user_meta_data = '{}', raw_app_meta_data = '{}', deleted_at = now(), updated_at = now()
    where id = ${user.id}`;
  for (const identity of user.identities) {
    await sql`update auth.identities set provider_id = ${obfuscate(identity.provider + ":" + identity.provider_id)},
              identity_data = '{}', updated_at = now() where id = ${identity.id}`;
  }
  await sql`delete from auth.sessions where user_id = ${user.id}`;
}

export function isBanned(user: UserRow): boolean {
  return user.banned_until !== null && user.banned_until.getTime() > Date.now();
}

export function hasPassword(user: UserRow): boolean {
  return Boolean(user.encrypted_password);
}

/** The user object of GoTrue's JSON API; optional timestamps are left out when unset. */
export function userJson(user: UserRow): Json {
  const optional = (value: Date | string | null) => (value === null || value === "" ? undefined : value);
  const json: Json = {
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? "",
    email_confirmed_at: optional(user.email_confirmed_at),
    invited_at: optional(user.invited_at),
    phone: user.phone ?? "",
    phone_confirmed_at: optional(user.phone_confirmed_at),
    confirmation_sent_at: optional(user.confirmation_sent_at),
    confirmed_at: optional(user.confirmed_at),
    recovery_sent_at: optional(user.recovery_sent_at),
    new_email: optional(user.email_change),
    email_change_sent_at: optional(user.email_change_sent_at),
    new_phone: optional(user.phone_change),
    phone_change_sent_at: optional(user.phone_change_sent_at),
    reauthentication_sent_at: optional(user.reauthentication_sent_at),
    last_sign_in_at: optional(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: user.identities.map(identityJson),
    created_at: user.created_at,
    updated_at: user.updated_at,
    banned_until: optional(user.banned_until),
    deleted_at: optional(user.deleted_at),
    is_anonymous: user.is_anonymous,
  };
  return Object.fromEntries(Object.entries(json).filter(([, value]) => value !== undefined));
}

/** Identities come through json_agg, so their timestamps are Postgres-formatted strings. */
function isoTime(postgresTimestamp: string): string {
  return new Date(postgresTimestamp).toISOString();
}

function identityJson(identity: IdentityRow): Json {
  return {
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
    identity_data: identity.identity_data,
    provider: identity.provider,
    last_sign_in_at: identity.last_sign_in_at === null ? undefined : isoTime(identity.last_sign_in_at),
    created_at: isoTime(identity.created_at),
    updated_at: isoTime(identity.updated_at),
    email: identity.email ?? undefined,
  };
}
