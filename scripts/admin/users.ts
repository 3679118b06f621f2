// create-user through the Auth admin API (as Studio does it); list-users straight from auth.users.
import { requireOption, UsageError, type AdminCommand } from "./command.ts";
import { setPlatformAdmin } from "./lookups.ts";

export const createUser: AdminCommand = {
  usage: "create-user --email E --password P [--name N] [--admin]",
  summary: "create a verified user (--admin: platform admin, may publish any dataset)",
  options: {
    email: { type: "string" },
    password: { type: "string" },
    name: { type: "string" },
    admin: { type: "boolean", default: false },
  },
  async run(context, { values }) {
    const email = requireOption(values, "email");
    const password = requireOption(values, "password");
    const name = typeof values.name === "string" ? values.name : email.split("@")[0]!;
    const { data, error } = await context.supabase.auth.admin.createUser({
      email,
      password,
      email_confirm: true,
      user_metadata: { name },
    });
    if (error) throw new UsageError(`could not create ${email}: ${error.message}`);
    if (values.admin) await setPlatformAdmin(context, data.user.id, "granted by npm run admin -- create-user --admin");
    console.log(`created ${email} (id ${data.user.id})${values.admin ? ", platform admin" : ""}`);
  },
};

export const listUsers: AdminCommand = {
  usage: "list-users",
  summary: "list users with confirmation state and platform-admin flag",
  options: {},
  async run(context) {
    const rows = await context.sql<{ id: string; email: string; confirmed: boolean; admin: boolean }[]>`
      select u.id, u.email, u.email_confirmed_at is not null as confirmed,
             exists (select 1 from public.platform_admins a where a.user_id = u.id) as admin
      from auth.users u order by u.created_at`;
    for (const user of rows) {
      console.log(`${user.id}  ${user.email}  ${user.confirmed ? "confirmed" : "unconfirmed"}${user.admin ? "  platform-admin" : ""}`);
    }
    if (rows.length === 0) console.log("no users yet (create one with create-user)");
  },
};
