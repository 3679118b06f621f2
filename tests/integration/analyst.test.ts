// Safe direct SQL: an analyst login made by public.grant_analyst_login connects with its own
// password and sees exactly what the API shows its user, and nothing more, whatever claims or
// roles the session tries to take on.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { as, attempt, buildWorld, type Actor, type World } from "../support/rls-fixtures.ts";

let world: World;
const logins: postgres.Sql[] = [];

beforeAll(async () => {
  world = await buildWorld();
});
afterAll(async () => {
  await Promise.all(logins.map((login) => login.end()));
  await world?.close();
});

/** Calls grant_analyst_login as the service role (committed: the admin CLI does the same). */
async function grant(email: string): Promise<{ role_name: string; password: string }> {
  return world.sql.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true)`;
    const [login] = await tx<{ role_name: string; password: string }[]>`select * from public.grant_analyst_login(${email})`;
    return login!;
  }) as Promise<{ role_name: string; password: string }>;
}

function connect(login: { role_name: string; password: string }): postgres.Sql {
  const sql = postgres(world.db.urlFor(login.role_name, login.password), { max: 1, onnotice: () => {} });
  logins.push(sql);
  return sql;
}

/** What a reader sees: ids per table, in a stable order. */
const VIEW_QUERY = `
  select 'datasets' as t, id as k from public.datasets
  union all select 'documents', id from public.documents
  union all select 'files', dataset_id || '/' || uid from public.files
  union all select 'organizations', id from public.organizations
  union all select 'organization_members', organization_id || '/' || user_id from public.organization_members
  union all select 'profiles', id::text from public.profiles
  union all select 'platform_admins', user_id::text from public.platform_admins
  union all select 'jobs', id from public.jobs
  union all select 'audit_log', id::text from public.audit_log
  order by 1, 2`;

const apiView = (actor: Actor) => as(world, actor, (tx) => tx.unsafe(VIEW_QUERY));

describe("an analyst login", () => {
  let member: postgres.Sql;
  let login: { role_name: string; password: string };

  beforeAll(async () => {
    await world.sql`insert into public.jobs (kind, dataset_id, created_by) values ('file_bulk_upload', ${world.datasets.draft}, ${world.users.member.id})`;
    login = await grant("member@example.org");
    member = connect(login);
  });

  it("is a LOGIN role in ndi_analyst, mapped to the user, with a fresh random password", async () => {
    expect(login.role_name).toBe(`ndi_analyst_${world.users.member.id.replaceAll("-", "")}`);
    expect(login.password).toMatch(/^[0-9a-f]{48}$/);
    const [row] = await world.sql`
      select r.rolcanlogin, r.rolsuper, r.rolbypassrls, r.rolcreaterole, pg_has_role(r.rolname, 'ndi_analyst', 'member') as analyst,
             pg_has_role(r.rolname, 'authenticated', 'member') as authenticated, a.user_id
      from pg_roles r join public.analyst_logins a on a.role_name = r.rolname where r.rolname = ${login.role_name}`;
    expect(row).toEqual({
      rolcanlogin: true,
      rolsuper: false,
      rolbypassrls: false,
      rolcreaterole: false,
      analyst: true,
      authenticated: false,
      user_id: world.users.member.id,
    });
  });

  it("sees exactly the rows the API shows that user", async () => {
    const seen = await member.unsafe(VIEW_QUERY);
    expect(seen.length).toBeGreaterThan(10);
    expect([...seen]).toEqual([...(await apiView("member"))]);
  });

  it("gains nothing by forging JWT claims", async () => {
    const forged = JSON.stringify({ sub: world.users.platformAdmin.id, role: "service_role", email: "platformadmin@example.org" });
    const seen = await member.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${forged}, true), set_config('request.jwt.claim.sub', ${world.users.platformAdmin.id}, true)`;
      const [who] = await tx`select current_setting('request.jwt.claims')::jsonb ->> 'sub' as claimed, private.current_user_id() as acting, private.is_platform_admin() as admin`;
      expect(who).toEqual({ claimed: world.users.platformAdmin.id, acting: world.users.member.id, admin: false });
      return tx.unsafe(VIEW_QUERY);
    });
    expect([...seen]).toEqual([...(await apiView("member"))]);
  });

  it("cannot take on another role", async () => {
    for (const role of ["authenticated", "anon", "service_role", "postgres", "authenticator"]) {
      await expect(member.unsafe(`set role ${role}`)).rejects.toThrow(`permission denied to set role "${role}"`);
    }
    await expect(member`set session authorization postgres`).rejects.toThrow(/permission denied to set session authorization/);
  });

  it("setting the group role changes nothing", async () => {
    const seen = await member.begin(async (tx) => {
      await tx`set local role ndi_analyst`;
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: world.users.memberB.id })}, true)`;
      return tx.unsafe(VIEW_QUERY);
    });
    expect([...seen]).toEqual([...(await apiView("member"))]);
  });

  it("is read-only: no writes, no mutating functions, no auth or storage tables", async () => {
    await expect(member`insert into public.datasets (organization_id, name) values (${world.orgA}, 'x')`).rejects.toThrow(
      "cannot execute INSERT in a read-only transaction",
    );
    const attempts = await member.begin(async (tx) => {
      await tx`set transaction read write`;
      const results = [];
      for (const statement of [
        `insert into public.datasets (organization_id, name) values ('${world.orgA}', 'x')`,
        `update public.documents set data = '{}'`,
        `delete from public.files`,
        `select public.delete_dataset('${world.datasets.draft}')`,
        `select public.branch_dataset('${world.datasets.published}')`,
        `select * from public.grant_analyst_login('platformadmin@example.org')`,
        `select * from auth.users`,
        `select * from storage.objects`,
      ]) {
        results.push(await attempt(() => tx.savepoint((sp) => sp.unsafe(statement))));
      }
      return results;
    });
    expect(attempts).toEqual(Array(8).fill("denied"));
  });

  it("reads the analyst views, which apply the same RLS", async () => {
    const documents = await member`select id, dataset_name, class_name from analyst.documents order by id`;
    const fromApi = await as(world, "member", (tx) => tx`select id from public.documents order by id`);
    expect(documents.map((row) => row.id)).toEqual(fromApi.map((row) => row.id));
    expect(new Set(documents.map((row) => row.dataset_name))).toEqual(new Set(["Dataset draft", "Dataset published"]));
    const counts = await member`select dataset_id, class_name, documents::int from analyst.document_class_counts order by 1, 2`;
    expect(counts).toHaveLength(4);
  });

  it("a new grant rotates the password: the old one stops working", async () => {
    const again = await grant("member@example.org");
    expect(again.role_name).toBe(login.role_name);
    expect(again.password).not.toBe(login.password);
    const stale = postgres(world.db.urlFor(login.role_name, login.password), { max: 1, onnotice: () => {} });
    await expect(stale`select 1`).rejects.toThrow(/password authentication failed/);
    await stale.end();
    const fresh = connect(again);
    expect([...(await fresh.unsafe(VIEW_QUERY))]).toEqual([...(await apiView("member"))]);
    login = again;
  });
});

describe("other users' analyst logins", () => {
  it("a platform admin's login sees what a platform admin sees through the API", async () => {
    const admin = connect(await grant("platformadmin@example.org"));
    expect([...(await admin.unsafe(VIEW_QUERY))]).toEqual([...(await apiView("platformAdmin"))]);
  });

  it("an outsider's login sees only public data, even when forging a platform admin's claims", async () => {
    const outsider = connect(await grant("outsider@example.org"));
    const seen = await outsider.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: world.users.platformAdmin.id, role: "authenticated" })}, true)`;
      return tx<{ t: string; k: string }[]>`select 'datasets' as t, id as k from public.datasets`;
    });
    expect(seen.map((row) => world.nameOf(row.k))).toEqual(["published"]);
  });

  it("a login whose mapping is gone sees only public data; claims still count for nothing", async () => {
    const login = await grant("viewer@example.org");
    const viewer = connect(login);
    await world.sql`delete from public.analyst_logins where role_name = ${login.role_name}`;
    const seen = await viewer.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: world.users.viewer.id, role: "authenticated" })}, true)`;
      return tx<{ id: string }[]>`select id from public.datasets`;
    });
    expect(seen.map((row) => world.nameOf(row.id))).toEqual(["published"]);
  });

  it("revoking drops the login", async () => {
    const login = await grant("owner@example.org");
    const revoked = await world.sql.begin(async (tx) => {
      await tx`select set_config('role', 'service_role', true)`;
      return tx`select public.revoke_analyst_login('owner@example.org') as revoked`;
    });
    expect(revoked).toEqual([{ revoked: true }]);
    const gone = postgres(world.db.urlFor(login.role_name, login.password), { max: 1, onnotice: () => {} });
    await expect(gone`select 1`).rejects.toThrow(/password authentication failed|role .* does not exist/);
    await gone.end();
  });

  it("an unknown e-mail is an error", async () => {
    await expect(grant("nobody@example.org")).rejects.toThrow("no user with e-mail nobody@example.org");
  });
});
