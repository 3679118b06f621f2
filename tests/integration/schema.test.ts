// The schema as a whole: RLS everywhere, privileges granted exactly, every table and column
// explained, definer functions pinned, ids in the clients' shape, and the migration history as
// the supabase CLI sees it.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrationFiles, PROJECT_ROOT } from "../../embedded/migrations.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
let sql: postgres.Sql;
beforeAll(async () => {
  db = await createTestDatabase();
  sql = postgres(db.adminUrl, { onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

describe("row-level security", () => {
  it("is enabled on every table in public", async () => {
    const rows = await sql`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity order by 1`;
    expect(rows).toEqual([]);
  });

  it("views for analysts run as the reader (security_invoker)", async () => {
    const rows = await sql`select c.relname, c.reloptions from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'analyst') and c.relkind = 'v' order by 1`;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.reloptions, row.relname).toContain("security_invoker=true");
  });
});

describe("privileges: denied first, then granted exactly", () => {
  it("the API roles hold exactly these table privileges in public", async () => {
    const rows = await sql<{ role: string; table: string; privileges: string }[]>`
      select g.grantee as role, g.table_name as table, string_agg(g.privilege_type, ',' order by g.privilege_type) as privileges
      from information_schema.role_table_grants g
      where g.table_schema = 'public' and g.grantee in ('anon', 'authenticated', 'ndi_analyst')
      group by 1, 2 order by 1, 2`;
    const table = Object.fromEntries(rows.map((row) => [`${row.role} ${row.table}`, row.privileges]));
    expect(table).toEqual({
      "anon datasets": "SELECT",
      "anon documents": "SELECT",
      "anon files": "SELECT",
      "authenticated analyst_logins": "SELECT",
      "authenticated audit_log": "SELECT",
      "authenticated datasets": "INSERT,SELECT,UPDATE",
      "authenticated documents": "DELETE,SELECT",
      "authenticated files": "DELETE,INSERT,SELECT,UPDATE",
      "authenticated jobs": "SELECT",
      "authenticated organization_members": "DELETE,INSERT,SELECT,UPDATE",
      "authenticated organizations": "DELETE,INSERT,SELECT,UPDATE",
      "authenticated platform_admins": "SELECT",
      "authenticated profiles": "SELECT",
      "ndi_analyst analyst_logins": "SELECT",
      "ndi_analyst audit_log": "SELECT",
      "ndi_analyst datasets": "SELECT",
      "ndi_analyst documents": "SELECT",
      "ndi_analyst files": "SELECT",
      "ndi_analyst jobs": "SELECT",
      "ndi_analyst organization_members": "SELECT",
      "ndi_analyst organizations": "SELECT",
      "ndi_analyst platform_admins": "SELECT",
      "ndi_analyst profiles": "SELECT",
    });
  });

  it("column privileges: documents by (dataset_id, data), profiles' name, jobs' request fields", async () => {
    const rows = await sql<{ grant: string }[]>`
      select g.table_name || '.' || g.column_name || ' ' || g.privilege_type as grant
      from information_schema.column_privileges g
      where g.table_schema = 'public' and g.grantee = 'authenticated' and g.privilege_type in ('INSERT', 'UPDATE')
        and g.table_name in ('documents', 'profiles', 'jobs')
        and not exists (select 1 from information_schema.role_table_grants t where t.grantee = g.grantee
                        and t.table_schema = g.table_schema and t.table_name = g.table_name and t.privilege_type = g.privilege_type)
      order by 1`;
    expect(rows.map((row) => row.grant)).toEqual([
      "documents.data INSERT",
      "documents.data UPDATE",
      "documents.dataset_id INSERT",
      "jobs.dataset_id INSERT",
      "jobs.kind INSERT",
      "jobs.params INSERT",
      "jobs.progress_total INSERT",
      "profiles.name UPDATE",
    ]);
  });

  it("nobody but the owner may rewrite the audit log, not even the service role", async () => {
    const rows = await sql`select privilege_type from information_schema.role_table_grants
      where table_schema = 'public' and table_name = 'audit_log' and grantee = 'service_role'`;
    expect(rows).toEqual([{ privilege_type: "SELECT" }]);
  });

  it("no function in public, private or analyst is executable by PUBLIC", async () => {
    const rows = await sql`
      select p.oid::regprocedure::text as function
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private', 'analyst')
        and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a where a.grantee = 0 and a.privilege_type = 'EXECUTE')
      order by 1`;
    expect(rows).toEqual([]);
  });

  it("anon may call only ndiquery's search and number reader, and the token-checked document download", async () => {
    const rows = await sql`
      select p.oid::regprocedure::text as function
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'execute')
      order by 1`;
    expect(rows.map((row) => row.function)).toEqual([
      // R39's download URL is fetched without a login; the job's token is the credential.
      "document_download(text,text)",
      // Anonymous ndiquery with scope public: the indexed search applies the read rule itself.
      "find_document_ids(text,text[],jsonb,jsonb)",
      // Numeric ndiquery comparisons read NaN/Infinity sentinels as numbers; a pure function.
      "ndi_numeric(jsonb)",
    ]);
  });

  it("every security definer function pins search_path to ''", async () => {
    const rows = await sql`
      select p.oid::regprocedure::text as function, p.proconfig
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private') and p.prosecdef
        and not coalesce('search_path=""' = any (p.proconfig), false)
      order by 1`;
    expect(rows).toEqual([]);
  });
});

describe("comments: everything an admin sees in Studio is explained", () => {
  it("every table, view and column in public and analyst has a comment", async () => {
    const rows = await sql`
      select c.relname || coalesce('.' || a.attname, '') as missing
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p')
      where n.nspname in ('public', 'analyst') and c.relkind in ('r', 'p', 'v')
        and col_description(c.oid, coalesce(a.attnum, 0)) is null
        and (a.attnum is not null or obj_description(c.oid, 'pg_class') is null)
      order by 1`;
    expect(rows.map((row) => row.missing)).toEqual([]);
  });

  it("every function in public and private, and every type in public, has a comment", async () => {
    const functions = await sql`
      select p.oid::regprocedure::text as missing from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private') and obj_description(p.oid, 'pg_proc') is null order by 1`;
    const types = await sql`
      select t.typname as missing from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = 'public' and t.typtype = 'e' and obj_description(t.oid, 'pg_type') is null order by 1`;
    expect([...functions, ...types].map((row) => row.missing)).toEqual([]);
  });
});

describe("identifiers", () => {
  it("are 24 hex digits, start with the Unix time in seconds, and sort in creation order", async () => {
    const rows = await sql<{ id: string }[]>`select private.object_id() as id from generate_series(1, 1000)`;
    const ids = rows.map((row) => row.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const seconds = Number.parseInt(ids[0]!.slice(0, 8), 16);
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(60);
  });
});

describe("storage", () => {
  it("has the private data bucket", async () => {
    expect(await sql`select id, public from storage.buckets where id = 'ndi-data'`).toEqual([{ id: "ndi-data", public: false }]);
  });
});

/** Runs the project's supabase CLI against this test database. */
async function supabaseCli(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    path.join(PROJECT_ROOT, "node_modules", ".bin", "supabase"),
    [...args, `--remote=${db.adminUrl}?sslmode=disable`],
    { cwd: PROJECT_ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1" } },
  );
  return stdout;
}

describe("migration history and generated types", () => {
  it("supabase migration list shows every migration applied", async () => {
    const stdout = await supabaseCli("migration", "list");
    const applied = [...stdout.matchAll(/^\s*`?(\d{14})`?\s*\|\s*`?(\d{14})?`?\s*\|/gm)].map((match) => [match[1], match[2]]);
    const local = listMigrationFiles().map((file) => file.version);
    expect(applied).toEqual(local.map((version) => [version, version]));
  }, 30_000);

  it("gateway/db/database.types.ts is what supabase gen types makes of the migrations (else: npm run db:types)", async () => {
    const generated = await supabaseCli("gen", "types", "typescript", "--schema", "public");
    const committed = readFileSync(path.join(PROJECT_ROOT, "gateway", "db", "database.types.ts"), "utf8");
    expect(committed.endsWith(generated), "gateway/db/database.types.ts is stale: run npm run db:types").toBe(true);
  }, 30_000);
});
