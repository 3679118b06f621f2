// The user object of the contract (R1, R8–R10), read as the caller so RLS decides what is visible:
// your own profile and memberships, the profiles and memberships of people in your organizations,
// everything for platform admins.
import { z } from "@hono/zod-openapi";
import type { RunAsCaller } from "../../middleware/database.ts";

export const userOrganizationSchema = z
  .object({
    id: z.string().openapi({ example: "65f0c0ffee0000000000b001" }),
    name: z.string(),
    canUploadDataset: z.boolean(),
    role: z.enum(["viewer", "member", "admin", "owner"]),
  })
  .openapi("UserOrganization");

export const userSchema = z
  .object({
    id: z.string().openapi({ example: "0b6c1f9e-8a52-4d3e-9d3a-5f3e2b1a7c44" }),
    email: z.string(),
    name: z.string(),
    isAdmin: z.boolean().openapi({ description: "Platform administrator" }),
    // Read by NDI-python's tests as an admin signal (contract R9), so it means "may upload to every
    // organization", which only platform admins may; per-organization rights are in organizations[].
    canUploadDataset: z.boolean(),
    organizations: z.array(userOrganizationSchema).openapi({ description: "Memberships, oldest first: the clients use the first as their default" }),
  })
  .openapi("User");

export type User = z.infer<typeof userSchema>;

/** The user with this id as the caller may see them, or undefined. */
export async function loadUser(db: RunAsCaller, userId: string): Promise<User | undefined> {
  const [user] = await db(
    (tx) => tx<User[]>`
      select p.id::text as id, coalesce(p.email, '') as email, p.name,
             a.user_id is not null as "isAdmin", a.user_id is not null as "canUploadDataset",
             coalesce((
               select json_agg(json_build_object('id', o.id, 'name', o.name, 'canUploadDataset', m.can_upload_dataset,
                                                 'role', m.role) order by m.created_at, o.id)
               from public.organization_members m join public.organizations o on o.id = m.organization_id
               where m.user_id = p.id), '[]'::json) as organizations
      from public.profiles p
      left join public.platform_admins a on a.user_id = p.id
      where p.id = ${userId}::uuid`,
  );
  return user;
}
