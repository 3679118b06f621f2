// Permission matrix for organizations, memberships, profiles, platform admins and analyst logins.
import { beforeAll, describe, expect, it } from "vitest";
import { as, attempt, matrix, one, rowCount, useWorld, type Actor } from "../support/rls-fixtures.ts";

const world = useWorld();
let orgEmpty: string;
beforeAll(async () => {
  // An organization without datasets, owned by `owner` and administered by `admin`, to delete.
  ({ id: orgEmpty } = one(await world.sql<{ id: string }[]>`insert into public.organizations (name) values ('Empty') returning id`));
  await world.sql`insert into public.organization_members (organization_id, user_id, role) values
    (${orgEmpty}, ${world.users.owner.id}, 'owner'), (${orgEmpty}, ${world.users.admin.id}, 'admin')`;
});

const orgName = (id: string) => (id === orgEmpty ? "orgEmpty" : world.nameOf(id));
const userName = (id: string) => Object.entries(world.users).find(([, user]) => user.id === id)?.[0] ?? id;
const member = (actor: Exclude<Actor, "anon">) => world.users[actor].id;

describe("organizations: which each actor sees", () => {
  matrix(
    {
      anon: "denied",
      outsider: [],
      viewer: ["orgA"],
      member: ["orgA"],
      admin: ["orgA", "orgEmpty"],
      owner: ["orgA", "orgEmpty"],
      platformAdmin: ["orgA", "orgB", "orgEmpty"],
      memberB: ["orgB"],
    },
    (actor) => as(world, actor, async (tx) => (await tx`select id from public.organizations`).map((row) => orgName(row.id)).sort()),
  );
});

describe("organizations: create one (platform admins only; the creator becomes owner)", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "created, owner", memberB: "rls" },
    (actor) =>
      as(world, actor, async (tx) => {
        const [org] = await tx`insert into public.organizations (name) values ('New lab') returning id, created_by`;
        const [membership] = await tx`select role from public.organization_members where organization_id = ${org!.id} and user_id = ${org!.created_by}`;
        return `created, ${membership!.role}`;
      }),
  );
});

describe("organizations: rename organization A", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) => as(world, actor, async (tx) => rowCount(await tx`update public.organizations set name = 'Renamed' where id = ${world.orgA}`)),
  );
});

describe("organizations: delete the empty organization (owners)", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "0 rows", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) => as(world, actor, async (tx) => rowCount(await tx`delete from public.organizations where id = ${orgEmpty}`)),
  );

  it("an organization that still owns datasets cannot be deleted", async () => {
    const result = await attempt(() => as(world, "owner", (tx) => tx`delete from public.organizations where id = ${world.orgA}`));
    expect(result).toMatch(/^error 23503: update or delete on table "organizations" violates foreign key constraint/);
  });
});

describe("memberships: which each actor sees", () => {
  const orgA = ["orgA/admin", "orgA/member", "orgA/owner", "orgA/viewer"];
  matrix(
    {
      anon: "denied",
      outsider: [],
      viewer: orgA,
      member: orgA,
      admin: [...orgA, "orgEmpty/admin", "orgEmpty/owner"],
      owner: [...orgA, "orgEmpty/admin", "orgEmpty/owner"],
      platformAdmin: [...orgA, "orgB/memberB", "orgEmpty/admin", "orgEmpty/owner"],
      memberB: ["orgB/memberB"],
    },
    (actor) =>
      as(world, actor, async (tx) =>
        (await tx`select organization_id, user_id from public.organization_members`)
          .map((row) => `${orgName(row.organization_id)}/${userName(row.user_id)}`)
          .sort(),
      ),
  );

  it("can_upload_dataset follows the role", async () => {
    const rows = await as(world, "viewer", (tx) => tx`select role, can_upload_dataset from public.organization_members order by role`);
    expect(rows).toEqual([
      { role: "viewer", can_upload_dataset: false },
      { role: "member", can_upload_dataset: true },
      { role: "admin", can_upload_dataset: true },
      { role: "owner", can_upload_dataset: true },
    ]);
  });
});

describe("memberships: add the outsider to organization A as a viewer", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "added", owner: "added", platformAdmin: "added", memberB: "rls" },
    (actor) =>
      as(world, actor, async (tx) => {
        await tx`insert into public.organization_members (organization_id, user_id, role) values (${world.orgA}, ${member("outsider")}, 'viewer')`;
        return "added";
      }),
  );
});

describe("memberships: add the outsider to organization A as an owner (owners only)", () => {
  // The owner guard (a BEFORE trigger) speaks before the RLS check of the new row does.
  const ownersOnly = "error 42501: only organization owners can add, change or remove owners";
  matrix(
    {
      anon: "denied",
      outsider: ownersOnly,
      viewer: ownersOnly,
      member: ownersOnly,
      admin: ownersOnly,
      owner: "added",
      platformAdmin: "added",
      memberB: ownersOnly,
    },
    (actor) =>
      as(world, actor, async (tx) => {
        await tx`insert into public.organization_members (organization_id, user_id, role) values (${world.orgA}, ${member("outsider")}, 'owner')`;
        return "added";
      }),
  );
});

describe("memberships: make the member an admin", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) =>
      as(world, actor, async (tx) =>
        rowCount(await tx`update public.organization_members set role = 'admin' where organization_id = ${world.orgA} and user_id = ${member("member")}`),
      ),
  );
});

describe("memberships: remove the owner of organization A", () => {
  matrix(
    {
      anon: "denied",
      outsider: "0 rows",
      viewer: "0 rows",
      member: "0 rows",
      admin: "error 42501: only organization owners can add, change or remove owners",
      owner: "error 23514: an organization must keep at least one owner",
      platformAdmin: "error 23514: an organization must keep at least one owner",
      memberB: "0 rows",
    },
    (actor) =>
      as(world, actor, async (tx) =>
        rowCount(await tx`delete from public.organization_members where organization_id = ${world.orgA} and user_id = ${member("owner")}`),
      ),
  );
});

describe("memberships: remove the viewer from organization A (admins, or the viewer leaving)", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "1 row", member: "0 rows", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) =>
      as(world, actor, async (tx) =>
        rowCount(await tx`delete from public.organization_members where organization_id = ${world.orgA} and user_id = ${member("viewer")}`),
      ),
  );

  it("an admin cannot promote themselves to owner", async () => {
    expect(
      await attempt(() =>
        as(world, "admin", (tx) => tx`update public.organization_members set role = 'owner' where organization_id = ${world.orgA} and user_id = ${member("admin")}`),
      ),
    ).toBe("error 42501: only organization owners can add, change or remove owners");
  });

  it("a membership cannot be moved to another user or organization", async () => {
    expect(
      await attempt(() =>
        as(world, "admin", (tx) => tx`update public.organization_members set user_id = ${member("outsider")} where organization_id = ${world.orgA} and user_id = ${member("viewer")}`),
      ),
    ).toBe("error 42501: organization_members.user_id cannot be changed");
  });

  it("with a second owner, the first may leave; deleting the organization removes every membership", async () => {
    await as(world, "owner", async (tx) => {
      await tx`insert into public.organization_members (organization_id, user_id, role) values (${orgEmpty}, ${member("member")}, 'owner')`;
      expect(rowCount(await tx`delete from public.organization_members where organization_id = ${orgEmpty} and user_id = ${member("owner")}`)).toBe("1 row");
    });
    await as(world, "owner", async (tx) => {
      expect(rowCount(await tx`delete from public.organizations where id = ${orgEmpty}`)).toBe("1 row");
      await tx`reset role`;
      expect(await tx`select * from public.organization_members where organization_id = ${orgEmpty}`).toEqual([]);
    });
  });
});

describe("profiles: which each actor sees (own, co-members', or all for platform admins)", () => {
  const orgA = ["admin", "member", "owner", "viewer"];
  matrix(
    {
      anon: "denied",
      outsider: ["outsider"],
      viewer: orgA,
      member: orgA,
      admin: orgA,
      owner: orgA,
      platformAdmin: ["admin", "member", "memberB", "outsider", "owner", "platformAdmin", "viewer"],
      memberB: ["memberB"],
    },
    (actor) => as(world, actor, async (tx) => (await tx`select id from public.profiles`).map((row) => userName(row.id)).sort()),
  );

  it("each user got a profile from auth.users, named from the sign-up metadata", async () => {
    const [row] = await as(world, "member", (tx) => tx`select name, email from public.profiles where id = ${member("member")}`);
    expect(row).toEqual({ name: "member", email: "member@example.org" });
  });

  it("a user can rename themselves, not others, and cannot change their e-mail here", async () => {
    await as(world, "member", async (tx) => {
      expect(rowCount(await tx`update public.profiles set name = 'Ada' where id = ${member("member")}`)).toBe("1 row");
      expect(rowCount(await tx`update public.profiles set name = 'Eve' where id = ${member("viewer")}`)).toBe("0 rows");
      expect(await attempt(() => tx.savepoint((sp) => sp`update public.profiles set email = 'x@y.z' where id = ${member("member")}`))).toBe("denied");
    });
  });

  it("the e-mail follows auth.users", async () => {
    await world.sql`update auth.users set email = 'renamed@example.org' where id = ${member("outsider")}`;
    const rows = await as(world, "outsider", (tx) => tx`select email from public.profiles`);
    await world.sql`update auth.users set email = ${world.users.outsider.email} where id = ${member("outsider")}`;
    expect(rows).toEqual([{ email: "renamed@example.org" }]);
  });
});

describe("platform admins: the flag is visible to its holder and to other platform admins", () => {
  matrix(
    {
      anon: "denied",
      outsider: [],
      viewer: [],
      member: [],
      admin: [],
      owner: [],
      platformAdmin: ["platformAdmin"],
      memberB: [],
    },
    (actor) => as(world, actor, async (tx) => (await tx`select user_id from public.platform_admins`).map((row) => userName(row.user_id))),
  );
});

describe("platform admins: only the service role grants the flag", () => {
  matrix(
    {
      anon: "denied",
      outsider: "denied",
      viewer: "denied",
      member: "denied",
      admin: "denied",
      owner: "denied",
      platformAdmin: "denied",
      memberB: "denied",
    },
    (actor) => as(world, actor, (tx) => tx`insert into public.platform_admins (user_id) values (${member("outsider")})`),
  );

  it("the service role can", async () => {
    const rows = await as(world, "service", (tx) => tx`insert into public.platform_admins (user_id) values (${member("outsider")}) returning user_id`);
    expect(rows).toHaveLength(1);
  });

  it("client-writable user_metadata grants nothing", async () => {
    await world.sql`update auth.users set raw_user_meta_data = '{"isAdmin": true, "role": "admin"}' where id = ${member("outsider")}`;
    const rows = await as(world, "outsider", (tx) => tx`select id from public.datasets`);
    expect(rows.map((row) => world.nameOf(row.id))).toEqual(["published"]);
    const { admin } = one(await as(world, "outsider", (tx) => tx`select private.is_platform_admin() as admin`));
    expect(admin).toBe(false);
  });
});

describe("analyst logins: writable by nobody but the service role's functions", () => {
  matrix(
    {
      anon: "denied",
      outsider: "denied",
      viewer: "denied",
      member: "denied",
      admin: "denied",
      owner: "denied",
      platformAdmin: "denied",
      memberB: "denied",
    },
    (actor) =>
      as(world, actor, (tx) =>
        tx`insert into public.analyst_logins (role_name, user_id) values ('ndi_analyst_00000000000000000000000000000000', ${member("member")})`,
      ),
  );

  it("grant_analyst_login is not executable by API users", async () => {
    expect(await attempt(() => as(world, "platformAdmin", (tx) => tx`select * from public.grant_analyst_login('member@example.org')`))).toBe("denied");
  });
});
