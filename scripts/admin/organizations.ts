// create-org, add-member and list-orgs: service-role writes to the organization tables.
import { runAsServiceRole } from "../../gateway/db/run-as.ts";
import { requireOption, UsageError, type AdminCommand } from "./command.ts";
import { findUserIdByEmail } from "./lookups.ts";

const ROLES = ["owner", "admin", "member", "viewer"] as const;

export const createOrg: AdminCommand = {
  usage: "create-org --name N [--owner E] [--if-absent]",
  summary: "create an organization (prints its id); --if-absent reuses one with that name",
  options: { name: { type: "string" }, owner: { type: "string" }, "if-absent": { type: "boolean", default: false } },
  async run(context, { values }) {
    const name = requireOption(values, "name");
    const ownerId = typeof values.owner === "string" ? await findUserIdByEmail(context, values.owner) : undefined;
    const id = await runAsServiceRole(context.sql, async (tx) => {
      const [existing] = values["if-absent"]
        ? await tx<{ id: string }[]>`select id from public.organizations where name = ${name} order by created_at limit 1`
        : [];
      const [organization] = existing
        ? [existing]
        : await tx<{ id: string }[]>`insert into public.organizations (name) values (${name}) returning id`;
      if (ownerId) {
        await tx`
          insert into public.organization_members (organization_id, user_id, role)
          values (${organization!.id}, ${ownerId}, 'owner')
          on conflict (organization_id, user_id) do update set role = 'owner'`;
      }
      return organization!.id;
    });
    console.log(id);
  },
};

export const addMember: AdminCommand = {
  usage: "add-member --org ID --email E --role owner|admin|member|viewer",
  summary: "add a user to an organization or change their role",
  options: { org: { type: "string" }, email: { type: "string" }, role: { type: "string" } },
  async run(context, { values }) {
    const organizationId = requireOption(values, "org");
    const role = requireOption(values, "role");
    if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
    const userId = await findUserIdByEmail(context, requireOption(values, "email"));
    await runAsServiceRole(context.sql, async (tx) => {
      const [organization] = await tx`select 1 from public.organizations where id = ${organizationId}`;
      if (!organization) throw new UsageError(`no organization with id ${organizationId}`);
      await tx`
        insert into public.organization_members (organization_id, user_id, role)
        values (${organizationId}, ${userId}, ${role}::public.org_role)
        on conflict (organization_id, user_id) do update set role = excluded.role`;
    });
    console.log(`${values.email} is now ${role} of ${organizationId}`);
  },
};

export const listOrgs: AdminCommand = {
  usage: "list-orgs",
  summary: "list organizations with their members",
  options: {},
  async run(context) {
    const organizations = await context.sql<{ id: string; name: string; members: string[] | null }[]>`
      select o.id, o.name,
             array_agg(p.email || ' (' || m.role || ')' order by m.role desc, p.email) filter (where m.user_id is not null) as members
      from public.organizations o
      left join public.organization_members m on m.organization_id = o.id
      left join public.profiles p on p.id = m.user_id
      group by o.id order by o.created_at`;
    for (const organization of organizations) {
      console.log(`${organization.id}  ${organization.name}`);
      for (const member of organization.members ?? []) console.log(`    ${member}`);
    }
    if (organizations.length === 0) console.log("no organizations yet (create one with create-org)");
  },
};
