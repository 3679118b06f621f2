// Permission matrix for documents: every actor x read / add / replace / delete / soft delete /
// deleted list, on published, unpublished, soft-deleted and other-organization datasets; plus the
// fields derived from the JSON, the counters and the id order the document list relies on.
import { describe, expect, it } from "vitest";
import {
  ACTORS,
  as,
  attempt,
  matrix,
  one,
  ndiDocument,
  rowCount,
  useWorld,
  type Actor,
  type World,
} from "../support/rls-fixtures.ts";

const world = useWorld();

const doc = (key: string) => world.documents[key]!;

describe("read: which documents each actor sees", () => {
  const published = ["published.1", "published.2"];
  const draft = ["draft.1", "draft.2"];
  const foreign = ["foreign.1", "foreign.2"];
  matrix(
    {
      anon: published,
      outsider: published,
      viewer: [...draft, ...published],
      member: [...draft, ...published],
      admin: [...draft, ...published],
      owner: [...draft, ...published],
      platformAdmin: [...draft, ...foreign, ...published],
      memberB: [...foreign, ...published],
    },
    (actor) => as(world, actor, async (tx) => world.sortedNames(await tx`select id from public.documents`)),
  );

  it("the service role sees soft-deleted documents and those of soft-deleted datasets too", async () => {
    const rows = await as(world, "service", (tx) => tx<{ id: string }[]>`select id from public.documents`);
    expect(world.sortedNames(rows)).toEqual(["deleted.1", "deleted.2", "draft.1", "draft.2", "draft.gone", "foreign.1", "foreign.2", "published.1", "published.2"]);
  });
});

const addTo = (actor: Actor, dataset: keyof World["datasets"]) =>
  as(world, actor, async (tx) => {
    const [row] = await tx`insert into public.documents (dataset_id, data)
      values (${world.datasets[dataset]}, ${tx.json(ndiDocument("new", "subject"))}) returning created_by`;
    expect(row!.created_by).toBe(world.users[actor as Exclude<Actor, "anon">].id);
    return "added";
  });

describe("add a document to the unpublished draft", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "added", admin: "added", owner: "added", platformAdmin: "added", memberB: "rls" },
    (actor) => addTo(actor, "draft"),
  );
});

describe("add a document to the published dataset (immutable for everybody)", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "rls", memberB: "rls" },
    (actor) => addTo(actor, "published"),
  );
});

describe("add a document to the soft-deleted dataset", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "rls", memberB: "rls" },
    (actor) => addTo(actor, "deleted"),
  );
});

describe("add a document to the other organization's dataset", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "added", memberB: "added" },
    (actor) => addTo(actor, "foreign"),
  );
});

const replace = (actor: Actor, key: string) =>
  as(world, actor, async (tx) =>
    rowCount(await tx`update public.documents set data = ${tx.json(ndiDocument("replaced", "probe"))} where id = ${doc(key)}`),
  );

describe("replace a document of the draft", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "1 row", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) => replace(actor, "draft.1"),
  );
});

describe("replace a document of the published dataset", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "0 rows", owner: "0 rows", platformAdmin: "0 rows", memberB: "0 rows" },
    (actor) => replace(actor, "published.1"),
  );
});

describe("replace the soft-deleted document of the draft", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "0 rows", owner: "0 rows", platformAdmin: "0 rows", memberB: "0 rows" },
    (actor) => replace(actor, "draft.gone"),
  );
});

const hardDelete = (actor: Actor, key: string) =>
  as(world, actor, async (tx) => rowCount(await tx`delete from public.documents where id = ${doc(key)}`));

describe("DELETE a document of the draft", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "1 row", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) => hardDelete(actor, "draft.1"),
  );
});

describe("DELETE a document of the published dataset", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "0 rows", owner: "0 rows", platformAdmin: "0 rows", memberB: "0 rows" },
    (actor) => hardDelete(actor, "published.1"),
  );
});

describe("soft-delete a document of the draft with delete_documents()", () => {
  matrix(
    {
      anon: "denied",
      outsider: "not found",
      viewer: "error 42501: only members with upload rights can delete documents",
      member: "1 soft-deleted, now hidden",
      admin: "1 soft-deleted, now hidden",
      owner: "1 soft-deleted, now hidden",
      platformAdmin: "1 soft-deleted, now hidden",
      memberB: "not found",
    },
    (actor) =>
      as(world, actor, async (tx) => {
        const { n } = one(await tx`select public.delete_documents(${world.datasets.draft}, ${[doc("draft.1"), "ffffffffffffffffffffffff"]}) as n`);
        const visible = await tx`select id from public.documents where id = ${doc("draft.1")}`;
        const { count } = one(await tx`select document_count as count from public.datasets where id = ${world.datasets.draft}`);
        expect(count).toBe(1);
        return `${n} soft-deleted${visible.length === 0 ? ", now hidden" : ", STILL VISIBLE"}`;
      }),
  );

  it("documents of a published dataset cannot be deleted, even by an organization admin", async () => {
    expect(
      await attempt(() => as(world, "admin", (tx) => tx`select public.delete_documents(${world.datasets.published}, ${[doc("published.1")]})`)),
    ).toBe(`error 55000: dataset ${world.datasets.published} is published; its documents cannot be changed`);
  });

  it("when=now removes the rows at once, soft-deleted ones included", async () => {
    await as(world, "member", async (tx) => {
      const { n } = one(await tx`select public.delete_documents(${world.datasets.draft}, ${[doc("draft.1"), doc("draft.gone")]}, '0') as n`);
      expect(n).toBe(2);
      expect(await tx`select id from public.deleted_documents(${world.datasets.draft})`).toEqual([]);
    });
  });
});

describe("the deleted list: deleted_documents(draft)", () => {
  matrix(
    {
      anon: "denied",
      outsider: "not found",
      viewer: "error 42501: only members with upload rights can list deleted documents",
      member: ["draft.gone"],
      admin: ["draft.gone"],
      owner: ["draft.gone"],
      platformAdmin: ["draft.gone"],
      memberB: "not found",
    },
    (actor) => as(world, actor, async (tx) => world.sortedNames(await tx`select id from public.deleted_documents(${world.datasets.draft})`)),
  );
});

describe("fields the API derives from the JSON", () => {
  it("are generated from data and cannot be written", async () => {
    await as(world, "member", async (tx) => {
      const documents = [
        { ndiId: "only-an-ndi-id" },
        { document_class: { class_name: "x" }, base: { name: "y" } },
        {
          base: { id: "41269345148e40b8_40ddef57dbdd8c93", name: "probe A" },
          document_class: {
            class_name: "element_epoch",
            definition: "$NDIDOCUMENTPATH/element/element_epoch.json",
            superclasses: { definition: "$NDIDOCUMENTPATH/base.json" },
          },
          depends_on: { name: "element_id", value: "abc" },
        },
      ];
      const rows = [];
      for (const data of documents) {
        const [row] = await tx`insert into public.documents (dataset_id, data) values (${world.datasets.draft}, ${tx.json(data)})
          returning ndi_id, name, class_name, class_lineage, depends_on, size_bytes`;
        rows.push(row);
      }
      expect(rows).toEqual([
        { ndi_id: "only-an-ndi-id", name: null, class_name: null, class_lineage: [], depends_on: [], size_bytes: 27 }, // octet_length of the jsonb text
        { ndi_id: null, name: "y", class_name: "x", class_lineage: ["x"], depends_on: [], size_bytes: 62 },
        {
          ndi_id: "41269345148e40b8_40ddef57dbdd8c93",
          name: "probe A",
          class_name: "element_epoch",
          class_lineage: ["element_epoch", "base"],
          depends_on: [{ name: "element_id", value: "abc" }],
          size_bytes: expect.any(Number),
        },
      ]);
      expect(await attempt(() => tx.savepoint((sp) => sp`update public.documents set class_name = 'z' where id = ${doc("draft.2")}`))).toBe(
        'error 428C9: column "class_name" can only be updated to DEFAULT',
      );
    });
  });

  it("API callers cannot choose ids, move documents or soft-delete by UPDATE (column privileges)", async () => {
    await as(world, "member", async (tx) => {
      for (const statement of [
        (sp: typeof tx) => sp`insert into public.documents (id, dataset_id, data) values ('ffffffffffffffffffffffff', ${world.datasets.draft}, '{}')`,
        (sp: typeof tx) => sp`insert into public.documents (dataset_id, data, deleted_at, delete_after) values (${world.datasets.draft}, '{}', now(), now())`,
        (sp: typeof tx) => sp`update public.documents set dataset_id = ${world.datasets.published} where id = ${doc("draft.2")}`,
        (sp: typeof tx) => sp`update public.documents set deleted_at = now(), delete_after = now() where id = ${doc("draft.2")}`,
      ]) {
        expect(await attempt(() => tx.savepoint((sp) => statement(sp)))).toBe("denied");
      }
    });
  });
});

describe("counters and order", () => {
  it("document_count and document_bytes follow inserts, soft deletes, undeletes and purges", async () => {
    await as(world, "member", async (tx) => {
      const counts = async () =>
        (await tx`select document_count, document_bytes::int as bytes from public.datasets where id = ${world.datasets.draft}`)[0];
      const before = await counts();
      expect(before!.document_count).toBe(2);
      const inserted = await tx`insert into public.documents (dataset_id, data)
        select ${world.datasets.draft}, jsonb_build_object('base', jsonb_build_object('id', 'bulk-' || i)) from generate_series(1, 3) i
        returning id, size_bytes`;
      const bytes = inserted.reduce((sum, row) => sum + row.size_bytes, 0);
      expect(await counts()).toEqual({ document_count: 5, bytes: before!.bytes + bytes });
      await tx`select public.delete_documents(${world.datasets.draft}, ${inserted.map((row) => row.id)})`;
      expect(await counts()).toEqual(before);
      await tx`select public.delete_documents(${world.datasets.draft}, ${[doc("draft.1")]}, '0')`;
      expect((await counts())!.document_count).toBe(1);
    });
  });

  it("ids are 24-hex and sort in creation order, so paging by id is stable", async () => {
    await as(world, "member", async (tx) => {
      const inserted = await tx`insert into public.documents (dataset_id, data)
        select ${world.datasets.draft}, jsonb_build_object('n', i) from generate_series(1, 50) i order by i returning id, data`;
      for (const row of inserted) expect(row.id).toMatch(/^[0-9a-f]{24}$/);
      const listed = await tx`select data from public.documents where dataset_id = ${world.datasets.draft} and data ? 'n' order by id`;
      expect(listed.map((row) => row.data.n)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const page1 = await tx`select id from public.documents where dataset_id = ${world.datasets.draft} order by id limit 2 offset 0`;
      const page2 = await tx`select id from public.documents where dataset_id = ${world.datasets.draft} order by id limit 2 offset 2`;
      expect(new Set([...page1, ...page2].map((row) => row.id)).size).toBe(4);
    });
  });

  it("class counts come from the live documents, unknown for documents without a class", async () => {
    const rows = await as(world, "viewer", (tx) => tx`
      select coalesce(nullif(class_name, ''), 'unknown') as class, count(*)::int as n
      from public.documents where dataset_id = ${world.datasets.draft} group by 1 order by 1`);
    expect(rows).toEqual([
      { class: "element", n: 1 },
      { class: "subject", n: 1 },
    ]);
  });
});

describe("every actor reads the same documents through ndiquery-style filters as through the list", () => {
  for (const actor of ACTORS) {
    it(`${actor}: isa subject only returns readable documents`, async () => {
      const rows = await as(world, actor, (tx) => tx<{ id: string }[]>`select id from public.documents where class_lineage @> array['subject']`);
      const all = await as(world, actor, (tx) => tx<{ id: string }[]>`select id from public.documents where class_name = 'subject'`);
      expect(world.sortedNames(rows)).toEqual(world.sortedNames(all));
      expect(world.sortedNames(rows).every((name) => name.endsWith(".1"))).toBe(true);
    });
  }
});

describe("ndiquery's indexed search, find_document_ids(), applies the same read rule", () => {
  matrix(
    {
      anon: ["published.1"],
      outsider: ["published.1"],
      viewer: ["draft.1", "published.1"],
      member: ["draft.1", "published.1"],
      admin: ["draft.1", "published.1"],
      owner: ["draft.1", "published.1"],
      platformAdmin: ["draft.1", "foreign.1", "published.1"],
      memberB: ["foreign.1", "published.1"],
    },
    (actor) => as(world, actor, async (tx) => world.sortedNames(await tx`select id from public.find_document_ids('all', array['subject']) as id`)),
  );

  it("scopes: public, private, and dataset ids (unreadable ones silently dropped)", async () => {
    await as(world, "member", async (tx) => {
      const find = async (scope: string) => world.sortedNames(await tx`select id from public.find_document_ids(${scope}) as id`);
      expect(await find("public")).toEqual(["published.1", "published.2"]);
      expect(await find("private")).toEqual(["draft.1", "draft.2"]);
      expect(await find(`${world.datasets.foreign},${world.datasets.draft}, 000000000000000000000000`)).toEqual(["draft.1", "draft.2"]);
    });
  });

  it("depends_on and exact values", async () => {
    await as(world, "member", async (tx) => {
      await tx`insert into public.documents (dataset_id, data) values
        (${world.datasets.draft}, ${tx.json(ndiDocument("probe-1", "probe", { depends_on: [{ name: "subject_id", value: "draft-1" }], probe: { name: "p7" } }))})`;
      const dependents = await tx`select count(*)::int as n from public.find_document_ids('all', null, '[{"name": "subject_id", "value": "draft-1"}]')`;
      const anyName = await tx`select count(*)::int as n from public.find_document_ids('all', null, '[{"value": "draft-1"}]')`;
      const exact = await tx`select count(*)::int as n from public.find_document_ids('all', array['probe'], null, '{"probe": {"name": "p7"}}')`;
      expect([dependents[0]!.n, anyName[0]!.n, exact[0]!.n]).toEqual([1, 1, 1]);
    });
  });

  it("a malformed scope is an error", async () => {
    expect(await attempt(() => as(world, "anon", (tx) => tx`select public.find_document_ids('mine')`))).toBe(
      "error 22023: scope must be public, private, all or a comma-separated list of dataset ids",
    );
  });
});
