// The contract's hot paths use the intended indexes, checked with EXPLAIN on 200 000 generated
// documents in 2 000 datasets, run as the roles the gateway uses (RLS on).
import { readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../embedded/migrations.ts";
import { asRole, type Claims } from "../support/roles.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { one } from "../support/rls-fixtures.ts";

const DOCUMENTS = 200_000;
const LOADERS = 2;

let db: TestDatabase;
let sql: postgres.Sql;
let big: string; // "synthetic dataset 1": a quarter of all documents, in organization `org`
let small: string; // "synthetic dataset 41": about 1 000 documents, unpublished, in the same organization
let org: string;
const member: Claims = { sub: "0000000b-0000-4000-8000-000000000001" };

beforeAll(async () => {
  db = await createTestDatabase();
  sql = postgres(db.adminUrl, { onnotice: () => {}, max: LOADERS });
  const script = (name: string) => readFileSync(path.join(PROJECT_ROOT, "sql", "tests", name), "utf8");

  // Bulk load the way one restores a big table: drop the secondary indexes, load, build them again
  // from their exact definitions (a GIN index builds much faster at once than row by row).
  const indexes = await sql<{ name: string; definition: string }[]>`
    select indexname as name, indexdef as definition from pg_indexes
    where schemaname = 'public' and tablename = 'documents' and indexname <> 'documents_pkey'`;
  for (const index of indexes) await sql.unsafe(`drop index public.${index.name}`);
  await sql.unsafe(script("synthetic-datasets.sql"));
  const share = DOCUMENTS / LOADERS;
  await Promise.all(
    Array.from({ length: LOADERS }, async (_, i) => {
      const loader = postgres(db.adminUrl, { onnotice: () => {}, max: 1 });
      try {
        await loader.unsafe(`set synthetic.first = ${i * share + 1}; set synthetic.last = ${(i + 1) * share};\n${script("synthetic-documents.sql")}`);
      } finally {
        await loader.end();
      }
    }),
  );
  await sql.unsafe(`set maintenance_work_mem = '256MB'`);
  await Promise.all(indexes.map((index) => sql.unsafe(index.definition)));
  await sql`vacuum analyze public.documents`;
  await sql`vacuum analyze public.datasets`;

  ({ id: big, organization_id: org } = one(await sql<{ id: string; organization_id: string }[]>`
    select id, organization_id from public.datasets where name = 'synthetic dataset 1'`));
  ({ id: small } = one(await sql<{ id: string }[]>`select id from public.datasets where name = 'synthetic dataset 41'`));
  await sql`insert into auth.users (id, email) values (${member.sub as string}, 'member@example.org')`;
  await sql`insert into public.organization_members (organization_id, user_id, role) values (${org}, ${member.sub as string}, 'member')`;
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

/** Node type and index/relation of every node of the plan, e.g. "Index Scan documents_pkey". */
async function planOf(tx: postgres.TransactionSql, query: string): Promise<string[]> {
  const [row] = await tx.unsafe(`explain (format json) ${query}`);
  const nodes: string[] = [];
  const walk = (node: PlanNode) => {
    nodes.push([node["Node Type"], node["Index Name"] ?? node["Relation Name"]].filter(Boolean).join(" "));
    node.Plans?.forEach(walk);
  };
  walk((row!["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan);
  return nodes;
}

function expectIndex(plan: string[], index: string) {
  expect(plan.some((node) => node.endsWith(` ${index}`)), `${index} in ${JSON.stringify(plan)}`).toBe(true);
  expect(plan.filter((node) => node === "Seq Scan documents"), JSON.stringify(plan)).toEqual([]);
}

const asMember = <T>(work: (tx: postgres.TransactionSql) => Promise<T>) => asRole(sql, "authenticated", member, work);
const asAnon = <T>(work: (tx: postgres.TransactionSql) => Promise<T>) => asRole(sql, "anon", {}, work);

/** The plan of find_document_ids' query, as its definer runs it: RLS off, the caller's claims on. */
async function searchPlan(claims: Claims | null, ...args: unknown[]): Promise<string[]> {
  const run = async (tx: postgres.TransactionSql) => {
    const { query } = one(await tx`select private.find_document_ids_sql(${args[0] as string}, ${(args[1] as string[]) ?? null},
      ${args[2] ? tx.json(args[2] as postgres.JSONValue) : null}, ${args[3] ? tx.json(args[3] as postgres.JSONValue) : null}) as query`);
    await tx`reset role`;
    return planOf(tx, query);
  };
  return claims ? asRole(sql, "authenticated", claims, run) : asRole(sql, "anon", {}, run);
}

describe("documents, as the caller (RLS on), btree paths", () => {
  it("lists a dataset's documents in creation order with an index-only scan, at any page", async () => {
    for (const [dataset, offset] of [[small, 0], [big, 0], [big, 40_000]] as const) {
      const plan = await asMember((tx) =>
        planOf(tx, `select id, ndi_id, name, class_name, dataset_id from public.documents where dataset_id = '${dataset}' order by id limit 1000 offset ${offset}`),
      );
      expect(plan).toContain("Index Only Scan documents_dataset_id_idx");
      expect(plan).not.toContain("Sort");
    }
  });

  it("counts classes with an index-only scan", async () => {
    const plan = await asAnon((tx) =>
      planOf(tx, `select coalesce(nullif(class_name, ''), 'unknown'), count(*) from public.documents where dataset_id = '${big}' group by 1`),
    );
    expect(plan).toContain("Index Only Scan documents_dataset_id_idx");
  });

  it("looks documents up by NDI id", async () => {
    const plan = await asAnon((tx) => planOf(tx, `select id, dataset_id from public.documents where ndi_id = '0000000000000064_f899139df5e10593'`));
    expectIndex(plan, "documents_ndi_id_idx");
  });

  it("bulk-fetches by API id", async () => {
    const ids = await sql<{ id: string }[]>`select id from public.documents where dataset_id = ${big} order by id limit 500`;
    const plan = await asMember((tx) =>
      planOf(tx, `select * from public.documents where dataset_id = '${big}' and id = any ('{${ids.map((row) => row.id).join(",")}}'::text[])`),
    );
    expectIndex(plan, "documents_pkey");
  });

  it("lists deleted documents through the deleted index", async () => {
    const plan = await asMember(async (tx) => {
      await tx`reset role`; // deleted_documents() is security definer: its query runs without RLS
      return planOf(tx, `select * from public.documents d where d.dataset_id = '${small}' and d.deleted_at is not null order by d.id`);
    });
    expectIndex(plan, "documents_deleted_idx");
  });
});

describe("ndiquery through find_document_ids (RLS applied inside), GIN paths", () => {
  it("isa across all public datasets uses the class lineage index", async () => {
    expectIndex(await searchPlan(null, "public", ["oneepoch"]), "documents_class_lineage_idx");
  });

  it("depends_on uses the depends_on index", async () => {
    const plan = await searchPlan(member, "all", null, [{ name: "subject_id", value: "0000000000000064_f899139df5e10593" }]);
    expectIndex(plan, "documents_depends_on_idx");
    expectIndex(await searchPlan(member, "all", null, [{ value: "element_7" }]), "documents_depends_on_idx");
  });

  it("exact field values use the JSON containment index", async () => {
    expectIndex(await searchPlan(member, "all", null, null, { probe: { name: "probe7" } }), "documents_data_idx");
    expectIndex(await searchPlan(null, "public", ["element"], null, { base: { session_id: "session_3" } }), "documents_data_idx");
  });

  it("a dataset scope narrows through (dataset_id, id)", async () => {
    expectIndex(await searchPlan(member, `${big}`, null, null, null), "documents_dataset_id_idx");
  });

  it("the page read through RLS joins the ids on the primary key", async () => {
    const plan = await asAnon((tx) =>
      planOf(tx, `select id, ndi_id, name, class_name, dataset_id from public.documents
                  where id in (select public.find_document_ids('public', array['subject'], '[{"value": "element_7"}]'))
                  order by id limit 20`),
    );
    expectIndex(plan, "documents_pkey");
  });

  it("returns exactly the readable matches", async () => {
    const found = await asAnon((tx) => tx`select count(*)::int as n from public.find_document_ids('all', array['oneepoch'])`);
    const { n } = one(await sql`select count(*)::int as n from public.documents d join public.datasets s on s.id = d.dataset_id
                               where s.is_published and 'oneepoch' = any (d.class_lineage)`);
    expect(found).toEqual([{ n }]);
    expect(n).toBeGreaterThan(0);
  });
});

describe("datasets, as the caller", () => {
  it("lists an organization's datasets newest first", async () => {
    const plan = await asMember((tx) => planOf(tx, `select * from public.datasets where organization_id = '${org}' order by id desc limit 20`));
    expect(plan).toContain("Index Scan datasets_organization_id_idx");
  });

  it("lists published datasets newest first", async () => {
    const plan = await asAnon((tx) => planOf(tx, `select * from public.datasets where is_published order by id desc limit 20`));
    expect(plan).toContain("Index Scan datasets_published_idx");
  });
});
