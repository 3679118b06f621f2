// Small service-role lookups and writes shared by admin commands.
import { runAsServiceRole } from "../../gateway/db/run-as.ts";
import { UsageError } from "./command.ts";
import type { AdminContext } from "./context.ts";

export async function findUserIdByEmail(context: AdminContext, email: string): Promise<string> {
  const [user] = await context.sql<{ id: string }[]>`
    select id from public.profiles where lower(email) = lower(${email.trim()})`;
  if (!user) throw new UsageError(`no user with e-mail ${email} (create it with create-user)`);
  return user.id;
}

/** platform_admins is written only by the service role, never from client-writable metadata. */
export async function setPlatformAdmin(context: AdminContext, userId: string, note: string): Promise<void> {
  await runAsServiceRole(context.sql, (tx) => tx`
    insert into public.platform_admins (user_id, note) values (${userId}, ${note})
    on conflict (user_id) do nothing`);
}
