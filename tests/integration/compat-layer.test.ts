// The Supabase-compatibility bootstrap behaves like a Supabase project's database.
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asRole } from "../support/roles.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
let sql: postgres.Sql;
const sub = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  sql = postgres(db.adminUrl, { onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await db.drop();
});

describe("roles", () => {
  it("has Supabase's API roles with their attributes", async () => {
    const rows = await sql<{ rolname: string; rolcanlogin: boolean; rolinherit: boolean; rolbypassrls: boolean }[]>`
      select rolname, rolcanlogin, rolinherit, rolbypassrls from pg_roles
      where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname`;
    expect(rows).toEqual([
      { rolname: "anon", rolcanlogin: false, rolinherit: true, rolbypassrls: false },
      { rolname: "authenticated", rolcanlogin: false, rolinherit: true, rolbypassrls: false },
      { rolname: "authenticator", rolcanlogin: true, rolinherit: false, rolbypassrls: false },
      { rolname: "service_role", rolcanlogin: false, rolinherit: true, rolbypassrls: true },
    ]);
  });

  it("lets authenticator switch to each API role", async () => {
    const [row] = await sql<{ members: string[] }[]>`
      select array_agg(r.rolname order by r.rolname) as members
      from pg_auth_members m join pg_roles r on r.oid = m.roleid
      where m.member = 'authenticator'::regrole`;
    expect(row!.members).toEqual(["anon", "authenticated", "service_role"]);
  });
});

describe("auth helpers", () => {
  it("auth.uid(), auth.role(), auth.email() and auth.jwt() read request.jwt.claims", async () => {
    const claims = { sub, email: "ada@example.org", aal: "aal1", app_metadata: { provider: "email" } };
    const [row] = await asRole(sql, "authenticated", claims, (tx) =>
      tx`select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() as jwt, current_user as current_user`);
    expect(row).toEqual({
      uid: sub,
      role: "authenticated",
      email: "ada@example.org",
      jwt: { role: "authenticated", ...claims },
      current_user: "authenticated",
    });
  });

  it("fall back to the legacy request.jwt.claim.sub setting", async () => {
    const [row] = await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claim.sub', ${sub}, true)`;
      return tx`select auth.uid() as uid`;
    });
    expect(row!.uid).toBe(sub);
  });

  it("return NULL when no claims are set", async () => {
    const [row] = await sql`select auth.uid() as uid, auth.role() as role, auth.jwt() as jwt`;
    expect(row).toEqual({ uid: null, role: null, jwt: null });
  });

  it("auth.uid() is NULL for the anon key, whose claims carry no sub", async () => {
    const [row] = await asRole(sql, "anon", {}, (tx) => tx`select auth.uid() as uid, auth.role() as role`);
    expect(row).toEqual({ uid: null, role: "anon" });
  });
});

describe("auth and storage tables under RLS", () => {
  it("keeps auth.users away from the API roles", async () => {
    await expect(asRole(sql, "authenticated", { sub }, (tx) => tx`select * from auth.users`)).rejects.toThrow(
      /permission denied for table users/,
    );
  });

  it("shows no storage objects to anon or authenticated without a policy", async () => {
    await sql`insert into storage.buckets (id, name) values ('compat', 'compat') on conflict do nothing`;
    await sql`insert into storage.objects (bucket_id, name, owner_id) values ('compat', ${`${sub}/a.txt`}, ${sub})`;
    for (const role of ["anon", "authenticated"] as const) {
      const rows = await asRole(sql, role, { sub }, (tx) => tx`select name from storage.objects`);
      expect(rows).toEqual([]);
    }
    const rows = await asRole(sql, "service_role", {}, (tx) => tx`select name from storage.objects where bucket_id = 'compat'`);
    expect(rows.map((r) => r.name)).toEqual([`${sub}/a.txt`]);
  });

  it("applies a Supabase-style owner policy on storage.objects the same way", async () => {
    const policyUser = randomUUID();
    const other = randomUUID();
    await sql.begin(async (tx) => {
      await tx`insert into storage.buckets (id, name) values ('owned', 'owned')`;
      await tx`insert into storage.objects (bucket_id, name, owner_id) values
        ('owned', ${`${policyUser}/mine.txt`}, ${policyUser}), ('owned', ${`${other}/theirs.txt`}, ${other})`;
      await tx.unsafe(`create policy "Users read their folder" on storage.objects for select to authenticated
        using (bucket_id = 'owned' and (storage.foldername(name))[1] = (select auth.uid()::text))`);
    });
    const rows = await asRole(sql, "authenticated", { sub: policyUser }, (tx) => tx`select name from storage.objects`);
    expect(rows.map((r) => r.name)).toEqual([`${policyUser}/mine.txt`]);
  });

  it("refuses direct deletes from storage.objects unless the Storage API allows them", async () => {
    await expect(sql`delete from storage.objects where bucket_id = 'compat'`).rejects.toThrow(/Direct deletion/);
    await sql.begin(async (tx) => {
      await tx`select set_config('storage.allow_delete_query', 'true', true)`;
      await tx`delete from storage.objects where bucket_id = 'compat'`;
    });
  });

  it("splits paths like Supabase's storage helpers", async () => {
    const [row] = await sql`
      select storage.foldername('a/b/c.tar.gz') as folders, storage.filename('a/b/c.tar.gz') as file,
             storage.extension('a/b/c.tar.gz') as ext, storage.extension('a/README') as bare,
             storage.foldername('x.png') as none`;
    expect(row).toEqual({ folders: ["a", "b"], file: "c.tar.gz", ext: "gz", bare: "README", none: [] });
  });
});
