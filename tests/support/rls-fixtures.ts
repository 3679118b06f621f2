// A small world for the permission matrices: two organizations, one user per role, datasets in
// every state, their documents, files and Storage objects. Built as the superuser (setup only);
// every assertion then runs as the roles themselves through `as()`.
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { asRole } from "./roles.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

/** Who acts. Org A has one user per role; memberB belongs to org B only; outsider to nothing. */
export const ACTORS = ["anon", "outsider", "viewer", "member", "admin", "owner", "platformAdmin", "memberB"] as const;
export type Actor = (typeof ACTORS)[number];

/** Datasets: published, draft (unpublished), deleted (soft-deleted, restorable) in org A; foreign in org B. */
export const DATASETS = ["published", "draft", "deleted", "foreign"] as const;
export type DatasetKey = (typeof DATASETS)[number];

export interface World {
  db: TestDatabase;
  sql: postgres.Sql;
  users: Record<Exclude<Actor, "anon">, { id: string; email: string }>;
  orgA: string;
  orgB: string;
  datasets: Record<DatasetKey, string>;
  /** Two live documents per dataset, keyed `<dataset>.1`, `<dataset>.2`; `draft.gone` is soft-deleted. */
  documents: Record<string, string>;
  /** Readable names for ids (datasets, documents, orgs), for assertions that print well. */
  nameOf: (id: string) => string;
  /** The rows' readable names, sorted. */
  sortedNames: (rows: readonly { id: string }[]) => string[];
  close: () => Promise<void>;
}

export const DATA_BUCKET = "ndi-data";

const USER_IDS: Record<Exclude<Actor, "anon">, string> = {
  outsider: "0000000a-0000-4000-8000-000000000001",
  viewer: "0000000a-0000-4000-8000-000000000002",
  member: "0000000a-0000-4000-8000-000000000003",
  admin: "0000000a-0000-4000-8000-000000000004",
  owner: "0000000a-0000-4000-8000-000000000005",
  platformAdmin: "0000000a-0000-4000-8000-000000000006",
  memberB: "0000000a-0000-4000-8000-000000000007",
};

export async function buildWorld(): Promise<World> {
  const db = await createTestDatabase();
  const sql = postgres(db.adminUrl, { onnotice: () => {}, max: 4 });
  const users = Object.fromEntries(
    Object.entries(USER_IDS).map(([actor, id]) => [actor, { id, email: `${actor.toLowerCase()}@example.org` }]),
  ) as World["users"];
  const names = new Map<string, string>();

  await sql.begin(async (tx) => {
    for (const [actor, user] of Object.entries(users)) {
      await tx`insert into auth.users (id, email, raw_user_meta_data, email_confirmed_at)
               values (${user.id}, ${user.email}, ${tx.json({ name: actor })}, now())`;
    }
    await tx`insert into public.platform_admins (user_id) values (${users.platformAdmin.id})`;
  });

  const { id: orgA } = one(await sql<{ id: string }[]>`insert into public.organizations (name) values ('Lab A') returning id`);
  const { id: orgB } = one(await sql<{ id: string }[]>`insert into public.organizations (name) values ('Lab B') returning id`);
  names.set(orgA, "orgA").set(orgB, "orgB");
  const roles: [Actor, string, string][] = [
    ["owner", orgA, "owner"],
    ["admin", orgA, "admin"],
    ["member", orgA, "member"],
    ["viewer", orgA, "viewer"],
    ["memberB", orgB, "member"],
  ];
  for (const [actor, org, role] of roles) {
    await sql`insert into public.organization_members (organization_id, user_id, role)
              values (${org}, ${users[actor as Exclude<Actor, "anon">].id}, ${role})`;
  }

  const datasets = {} as Record<DatasetKey, string>;
  const documents: Record<string, string> = {};
  for (const key of DATASETS) {
    const org = key === "foreign" ? orgB : orgA;
    const { id } = one(await sql<{ id: string }[]>`
      insert into public.datasets (organization_id, name, created_by)
      values (${org}, ${`Dataset ${key}`}, ${users.member.id}) returning id`);
    datasets[key] = id;
    names.set(id, key);
    for (const n of [1, 2]) {
      const [doc] = await sql<{ id: string }[]>`
        insert into public.documents (dataset_id, data)
        values (${id}, ${sql.json(ndiDocument(`${key}-${n}`, n === 1 ? "subject" : "element"))}) returning id`;
      documents[`${key}.${n}`] = doc!.id;
      names.set(doc!.id, `${key}.${n}`);
    }
    await putObject(sql, `${id}/file-${key}`, 100);
    await sql`insert into public.files (dataset_id, uid, object_key) values (${id}, ${`file-${key}`}, ${`${id}/file-${key}`})`;
  }
  // A registered file whose bytes never arrived, and a soft-deleted document, in the draft.
  await sql`insert into public.files (dataset_id, uid, object_key)
            values (${datasets.draft}, 'pending', ${`${datasets.draft}/pending`})`;
  const [gone] = await sql<{ id: string }[]>`
    insert into public.documents (dataset_id, data, deleted_at, delete_after)
    values (${datasets.draft}, ${sql.json(ndiDocument("draft-gone", "subject"))}, now(), now() + interval '7 days')
    returning id`;
  documents["draft.gone"] = gone!.id;
  names.set(gone!.id, "draft.gone");

  await sql`update public.datasets set is_published = true where id = ${datasets.published}`;
  await sql`update public.datasets set deleted_at = now(), delete_after = now() + interval '7 days'
            where id = ${datasets.deleted}`;

  return {
    db,
    sql,
    users,
    orgA: orgA,
    orgB: orgB,
    datasets,
    documents,
    nameOf: (id) => names.get(id) ?? id,
    sortedNames: (rows) => rows.map((row) => names.get(row.id) ?? row.id).sort(),
    close: async () => {
      await sql.end();
      await db.drop();
    },
  };
}

/**
 * buildWorld() before the file's tests and close() after them. The returned object is empty until
 * that beforeAll has run; read it inside hooks and tests only.
 */
export function useWorld(): World {
  const world = {} as World;
  beforeAll(async () => {
    Object.assign(world, await buildWorld());
  });
  afterAll(async () => {
    await world.close?.();
  });
  return world;
}

/** A realistic minimal NDI document of class `className` (with `base` as superclass). */
export function ndiDocument(ndiId: string, className: string, extra: Record<string, unknown> = {}) {
  return {
    base: { id: ndiId, session_id: "session-1", name: `document ${ndiId}`, datestamp: "2026-03-15T14:30:05.123Z" },
    document_class: {
      class_name: className,
      definition: `$NDIDOCUMENTPATH/${className}.json`,
      superclasses: [{ definition: "$NDIDOCUMENTPATH/base.json" }],
    },
    ...extra,
  };
}

/** Writes a storage.objects row as the Storage server does once the bytes are complete. */
export async function putObject(sql: postgres.Sql | postgres.TransactionSql, name: string, size: number): Promise<void> {
  await sql`
    insert into storage.objects (bucket_id, name, metadata)
    values (${DATA_BUCKET}, ${name}, ${sql.json({ size, eTag: `"etag-${size}"`, mimetype: "application/octet-stream" })})`;
}

/** Runs `work` as `actor` (anon, or authenticated with the user's JWT claims) in a rolled-back transaction. */
export function as<T>(world: World, actor: Actor | "service", work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  if (actor === "anon") return asRole(world.sql, "anon", {}, work);
  if (actor === "service") return asRole(world.sql, "service_role", {}, work);
  const user = world.users[actor];
  return asRole(world.sql, "authenticated", { sub: user.id, email: user.email, aud: "authenticated" }, work);
}

/**
 * What happened, as one short string a matrix cell can state exactly:
 * the work's own description, or `denied` (no privilege on the table or function), `rls` (a new
 * row violates a policy), or `error <SQLSTATE>: <message>` for anything else.
 */
export async function attempt(work: () => Promise<unknown>): Promise<unknown> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof postgres.PostgresError) {
      if (/^permission denied for (table|function|view|schema|sequence)/.test(error.message)) return "denied";
      if (/violates row-level security policy/.test(error.message)) return "rls";
      return `error ${error.code}: ${error.message}`;
    }
    throw error;
  }
}

/** attempt() inside an open transaction: a failing statement rolls back to a savepoint only. */
export function attemptIn(tx: postgres.TransactionSql, work: (sp: postgres.TransactionSql) => Promise<unknown>): Promise<unknown> {
  return attempt(() => tx.savepoint((sp) => work(sp)));
}

/** attempt(), with "<thing> <24-hex id> not found" (P0002) shortened to "not found". */
export async function outcome(work: () => Promise<unknown>): Promise<unknown> {
  const result = await attempt(work);
  return typeof result === "string" && /^error P0002: \w+ [0-9a-f]{24} not found$/.test(result) ? "not found" : result;
}

/** One test per actor: the cell's outcome() must equal the expected value exactly. */
export function matrix(expected: Record<Actor, unknown>, cell: (actor: Actor) => Promise<unknown>): void {
  for (const actor of ACTORS) {
    it(`${actor} -> ${JSON.stringify(expected[actor])}`, async () => {
      expect(await outcome(() => cell(actor))).toEqual(expected[actor]);
    });
  }
}

/** "1 row" / "3 rows": how many rows an UPDATE or DELETE touched. */
export const rowCount = (result: { count: number }) => `${result.count} row${result.count === 1 ? "" : "s"}`;

/** The single row of a result (fails loudly when there is none). */
export function one<T>(rows: readonly T[]): T {
  if (rows.length === 0) throw new Error("expected a row, got none");
  return rows[0]!;
}
