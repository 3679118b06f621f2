// auth.audit_log_entries rows with GoTrue's payload: who did what (action), filed under a log type.
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import { NIL_UUID, type Json } from "./users.ts";

const LOG_TYPES = {
  login: "account",
  logout: "account",
  user_signedup: "team",
  user_invited: "team",
  user_deleted: "team",
  token_revoked: "token",
  token_refreshed: "token",
  user_modified: "user",
  user_recovery_requested: "user",
  user_confirmation_requested: "user",
  user_repeated_signup: "user",
  user_updated_password: "user",
} as const;

export type AuditAction = keyof typeof LOG_TYPES;

/** The user acting, or for the admin API the admin role (GoTrue logs `service_role` as the actor). */
export interface AuditActor {
  id: string;
  email: string | null;
  phone?: string | null;
  userMetadata?: Json | null;
}

export function adminActor(role: string): AuditActor {
  return { id: NIL_UUID, email: role };
}

export function userActor(user: {
  id: string;
  email: string | null;
  phone: string | null;
  raw_user_meta_data: Json | null;
}): AuditActor {
  return { id: user.id, email: user.email, phone: user.phone, userMetadata: user.raw_user_meta_data };
}

export async function recordAudit(
  sql: postgres.Sql | postgres.TransactionSql,
  actor: AuditActor,
  action: AuditAction,
  { traits, ip }: { traits?: Json; ip?: string } = {},
): Promise<void> {
  const payload: Json = {
    actor_id: actor.id,
    actor_via_sso: false,
    actor_username: actor.phone || actor.email || "",
    action,
    log_type: LOG_TYPES[action],
  };
  const fullName = actor.userMetadata?.full_name;
  if (fullName !== undefined) payload.actor_name = fullName;
  if (traits) payload.traits = traits;
  await sql`
    insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
    values (${NIL_UUID}, ${randomUUID()}, ${sql.json(payload as postgres.JSONValue)}, now(), ${ip ?? ""})`;
}
