// Permission matrix for datasets: every actor x read / create / edit / publish / delete /
// undelete / branch, on published, unpublished, soft-deleted and other-organization datasets.
// Every cell runs as the role itself (anon or authenticated with the user's claims).
import { describe, expect, it } from "vitest";
import {
  ACTORS,
  as,
  attempt,
  attemptIn,
  matrix,
  one,
  outcome,
  rowCount as count,
  useWorld,
  type Actor,
} from "../support/rls-fixtures.ts";

const world = useWorld();

describe("read: which datasets each actor sees", () => {
  matrix(
    {
      anon: ["published"],
      outsider: ["published"],
      viewer: ["draft", "published"],
      member: ["draft", "published"],
      admin: ["draft", "published"],
      owner: ["draft", "published"],
      platformAdmin: ["draft", "foreign", "published"],
      memberB: ["foreign", "published"],
    },
    (actor) => as(world, actor, async (tx) => world.sortedNames(await tx`select id from public.datasets`)),
  );

  it("the service role sees every dataset, soft-deleted ones included", async () => {
    const rows = await as(world, "service", (tx) => tx<{ id: string }[]>`select id from public.datasets`);
    expect(world.sortedNames(rows)).toEqual(["deleted", "draft", "foreign", "published"]);
  });

  it("private.can_read_dataset() and readable_dataset_ids() agree for every actor and dataset", async () => {
    for (const actor of ACTORS) {
      const rows = await as(world, actor, (tx) => tx<{ id: string; one: boolean; set: boolean }[]>`
        select d.id, private.can_read_dataset(d.id) as one,
               d.id in (select private.readable_dataset_ids()) as set
        from (select unnest(${Object.values(world.datasets)}::text[]) as id) d`);
      for (const row of rows) expect({ actor, id: world.nameOf(row.id), one: row.one }).toEqual({ actor, id: world.nameOf(row.id), one: row.set });
    }
  });
});

describe("create a dataset in organization A", () => {
  matrix(
    {
      anon: "denied",
      outsider: "rls",
      viewer: "rls",
      member: "created",
      admin: "created",
      owner: "created",
      platformAdmin: "created",
      memberB: "rls",
    },
    (actor) =>
      as(world, actor, async (tx) => {
        const [row] = await tx`insert into public.datasets (organization_id, name) values (${world.orgA}, 'new') returning created_by, is_published, document_count`;
        expect(row).toEqual({ created_by: world.users[actor as Exclude<Actor, "anon">].id, is_published: false, document_count: 0 });
        return "created";
      }),
  );

  it("a member of B can create in B but not in A", async () => {
    const result = await attempt(() =>
      as(world, "memberB", (tx) => tx`insert into public.datasets (organization_id, name) values (${world.orgB}, 'b') returning id`),
    );
    expect(result).toHaveLength(1);
  });

  it("nobody creates a dataset already published, even an organization admin", async () => {
    expect(
      await attempt(() =>
        as(world, "admin", (tx) => tx`insert into public.datasets (organization_id, name, is_published) values (${world.orgA}, 'x', true)`),
      ),
    ).toBe("error 42501: datasets are created unpublished; an organization admin publishes them afterwards");
  });

  it("counters and soft-delete state cannot be chosen on insert", async () => {
    const [row] = await as(world, "member", (tx) =>
      tx`insert into public.datasets (organization_id, name, document_count, total_size) values (${world.orgA}, 'x', 99, 99)
         returning document_count, total_size`,
    );
    expect(row).toEqual({ document_count: 0, total_size: "0" });
    expect(
      await attempt(() =>
        as(world, "member", (tx) => tx`insert into public.datasets (organization_id, name, deleted_at, delete_after) values (${world.orgA}, 'x', now(), now())`),
      ),
    ).toBe("error 42501: datasets.deleted_at cannot be changed");
  });

  it("stores unknown metadata and client-shaped fields as given", async () => {
    const [row] = await as(world, "member", (tx) =>
      tx`insert into public.datasets (organization_id, name, contributors, funding, doi, extra_metadata)
         values (${world.orgA}, 'x', ${tx.json([{ firstName: "Ada", lastName: "L", orchid: "0000-0002-1825-0097" }])},
                 ${tx.json({ source: "NIH" })}, 'https://doi.org://10.1000/123456789', ${tx.json({ custom: [1, 2] })})
         returning contributors, funding, doi, extra_metadata, id`,
    );
    expect(row).toMatchObject({
      contributors: [{ firstName: "Ada", lastName: "L", orchid: "0000-0002-1825-0097" }],
      funding: { source: "NIH" },
      doi: "https://doi.org://10.1000/123456789",
      extra_metadata: { custom: [1, 2] },
    });
    expect(row!.id).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe("edit the unpublished draft", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "1 row", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) => as(world, actor, async (tx) => count(await tx`update public.datasets set name = 'renamed' where id = ${world.datasets.draft}`)),
  );
});

describe("edit the published dataset (only organization admins)", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) => as(world, actor, async (tx) => count(await tx`update public.datasets set abstract = 'fixed' where id = ${world.datasets.published}`)),
  );
});

describe("edit the soft-deleted dataset (nobody, through normal writes)", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "0 rows", owner: "0 rows", platformAdmin: "0 rows", memberB: "0 rows" },
    (actor) => as(world, actor, async (tx) => count(await tx`update public.datasets set name = 'x' where id = ${world.datasets.deleted}`)),
  );
});

describe("publish the draft (organization admins, owners, platform admins)", () => {
  matrix(
    {
      anon: "denied",
      outsider: "0 rows",
      viewer: "0 rows",
      member: "error 42501: only organization admins and owners (or platform admins) can publish or unpublish a dataset",
      admin: "1 row",
      owner: "1 row",
      platformAdmin: "1 row",
      memberB: "0 rows",
    },
    (actor) => as(world, actor, async (tx) => count(await tx`update public.datasets set is_published = true where id = ${world.datasets.draft}`)),
  );

  it("publishing stamps published_at and makes the dataset visible to anon", async () => {
    await as(world, "admin", async (tx) => {
      const [row] = await tx`update public.datasets set is_published = true where id = ${world.datasets.draft} returning published_at`;
      expect(row!.published_at).toBeInstanceOf(Date);
      await tx`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`;
      expect(world.sortedNames(await tx`select id from public.datasets`)).toEqual(["draft", "published"]);
    });
  });
});

describe("unpublish the published dataset", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) => as(world, actor, async (tx) => count(await tx`update public.datasets set is_published = false where id = ${world.datasets.published}`)),
  );
});

describe("server-maintained columns are refused to API callers", () => {
  for (const [column, value] of [
    ["organization_id", "ffffffffffffffffffffffff"],
    ["document_count", 5],
    ["total_size", 5],
    ["deleted_at", new Date()],
    ["doi_status", "registered"],
    ["branch_of", "ffffffffffffffffffffffff"],
    ["created_by", "0000000a-0000-4000-8000-000000000001"],
  ] as const) {
    it(`${column}`, async () => {
      expect(
        await attempt(() =>
          as(world, "admin", (tx) => tx`update public.datasets set ${tx({ [column]: value })} where id = ${world.datasets.draft}`),
        ),
      ).toBe(`error 42501: datasets.${column} cannot be changed`);
    });
  }

  it("the service role may set them", async () => {
    const result = await as(world, "service", (tx) =>
      tx`update public.datasets set doi_status = 'registered', doi = 'https://doi.org/10.63884/ndic.x' where id = ${world.datasets.published}
         returning doi_status, doi_status_updated_at`,
    );
    expect(result[0]).toMatchObject({ doi_status: "registered", doi_status_updated_at: expect.any(Date) });
  });

  it("the DOI is frozen once a registration exists", async () => {
    await as(world, "admin", async (tx) => {
      await tx`select set_config('role', 'service_role', true)`;
      await tx`update public.datasets set doi_status = 'pending' where id = ${world.datasets.draft}`;
      await tx`select set_config('role', 'authenticated', true)`;
      await expect(tx`update public.datasets set doi = 'x' where id = ${world.datasets.draft}`).rejects.toThrow(
        "the DOI of a dataset with a DOI registration cannot be changed",
      );
    });
  });

  it("submitting stamps submitted_at; members may withdraw a submission", async () => {
    await as(world, "member", async (tx) => {
      const [submitted] = await tx`update public.datasets set is_submitted = true where id = ${world.datasets.draft} returning submitted_at`;
      expect(submitted!.submitted_at).toBeInstanceOf(Date);
      const [withdrawn] = await tx`update public.datasets set is_submitted = false where id = ${world.datasets.draft} returning submitted_at`;
      expect(withdrawn!.submitted_at).toBeNull();
    });
  });
});

describe("plain DELETE is not an API path", () => {
  matrix(
    { anon: "denied", outsider: "denied", viewer: "denied", member: "denied", admin: "denied", owner: "denied", platformAdmin: "denied", memberB: "denied" },
    (actor) => as(world, actor, (tx) => tx`delete from public.datasets where id = ${world.datasets.draft}`),
  );
});

describe("soft-delete the draft with delete_dataset(id, '7 days')", () => {
  matrix(
    {
      anon: "denied",
      outsider: "not found",
      viewer: "error 42501: only members with upload rights can delete a dataset",
      member: "soft-deleted",
      admin: "soft-deleted",
      owner: "soft-deleted",
      platformAdmin: "soft-deleted",
      memberB: "not found",
    },
    (actor) =>
      as(world, actor, async (tx) => {
        const [row] = await tx`select * from public.delete_dataset(${world.datasets.draft}, '7 days')`;
        expect(row).toMatchObject({ dataset_id: world.datasets.draft, purged: false });
        expect(await tx`select id from public.datasets where id = ${world.datasets.draft}`).toEqual([]);
        expect(world.sortedNames(await tx`select id from public.deleted_datasets()`)).toEqual(["deleted", "draft"]);
        return "soft-deleted";
      }),
  );

  it("a published dataset must be unpublished first, even by an admin", async () => {
    expect(await attempt(() => as(world, "admin", (tx) => tx`select * from public.delete_dataset(${world.datasets.published})`))).toBe(
      `error 55000: dataset ${world.datasets.published} is published; an organization admin must unpublish it before it can be deleted`,
    );
  });

  it("deleting again only moves the purge time", async () => {
    await as(world, "member", async (tx) => {
      const [first] = await tx`select * from public.delete_dataset(${world.datasets.deleted}, '1 day')`;
      const [second] = await tx`select * from public.delete_dataset(${world.datasets.deleted}, '30 days')`;
      expect(second!.deleted_at).toEqual(first!.deleted_at);
      expect(second!.delete_after.getTime()).toBeGreaterThan(first!.delete_after.getTime());
    });
  });

  it("when=now purges the rows at once and queues the Storage purge", async () => {
    await as(world, "member", async (tx) => {
      const [row] = await tx`select * from public.delete_dataset(${world.datasets.draft}, '0 seconds')`;
      expect(row).toMatchObject({ purged: true });
      expect(await attemptIn(tx, (sp) => sp`select * from public.undelete_dataset(${world.datasets.draft})`)).toBe(
        `error P0002: dataset ${world.datasets.draft} not found`,
      );
      await tx`reset role`; // verification only: look at what is left, as the owner
      expect(await tx`select count(*)::int as n from public.documents where dataset_id = ${world.datasets.draft}`).toEqual([{ n: 0 }]);
      const [job] = await tx`select kind, state, params from public.jobs where kind = 'purge'`;
      expect(job).toEqual({
        kind: "purge",
        state: "queued",
        params: { bucket: "ndi-data", datasetId: world.datasets.draft, prefix: `${world.datasets.draft}/`, keep: [], objectKeys: [] },
      });
    });
  });
});

describe("the deleted list: deleted_datasets()", () => {
  matrix(
    { anon: "denied", outsider: [], viewer: [], member: ["deleted"], admin: ["deleted"], owner: ["deleted"], platformAdmin: ["deleted"], memberB: [] },
    (actor) => as(world, actor, async (tx) => world.sortedNames(await tx`select id from public.deleted_datasets()`)),
  );

  it("a dataset past its purge time is gone: not listed, not restorable", async () => {
    await as(world, "member", async (tx) => {
      await tx`select set_config('role', 'service_role', true)`;
      await tx`update public.datasets set deleted_at = now() - interval '8 days', delete_after = now() - interval '1 day'
               where id = ${world.datasets.deleted}`;
      await tx`select set_config('role', 'authenticated', true)`;
      expect(await tx`select id from public.deleted_datasets()`).toEqual([]);
      expect(await outcome(() => tx`select * from public.undelete_dataset(${world.datasets.deleted})`)).toBe("not found");
    });
  });
});

describe("undelete the soft-deleted dataset", () => {
  matrix(
    {
      anon: "denied",
      outsider: "not found",
      viewer: "not found",
      member: "restored",
      admin: "restored",
      owner: "restored",
      platformAdmin: "restored",
      memberB: "not found",
    },
    (actor) =>
      as(world, actor, async (tx) => {
        const [row] = await tx`select id, deleted_at from public.undelete_dataset(${world.datasets.deleted})`;
        expect(row).toEqual({ id: world.datasets.deleted, deleted_at: null });
        const { n } = one(await tx`select document_count::int as n from public.datasets where id = ${world.datasets.deleted}`);
        expect(n).toBe(2); // documents survive the round trip
        expect(await tx`select count(*)::int as n from public.documents where dataset_id = ${world.datasets.deleted}`).toEqual([{ n: 2 }]);
        return "restored";
      }),
  );
});

describe("branch the published dataset with branch_dataset()", () => {
  matrix(
    {
      anon: "denied",
      outsider: "rls",
      viewer: "rls",
      member: "branched",
      admin: "branched",
      owner: "branched",
      platformAdmin: "branched",
      memberB: "rls",
    },
    (actor) =>
      as(world, actor, async (tx) => {
        const [branch] = await tx`select * from public.branch_dataset(${world.datasets.published}, 'v2')`;
        expect(branch).toMatchObject({
          branch_of: world.datasets.published,
          branch_name: "v2",
          organization_id: world.orgA,
          document_count: 2,
          file_count: 1,
          total_size: "100", // bigint: postgres.js returns a string
          is_published: false,
        });
        const [file] = await tx`select uid, object_key, source_dataset_id, uploaded from public.files where dataset_id = ${branch!.id}`;
        expect(file).toEqual({
          uid: "file-published",
          object_key: `${world.datasets.published}/file-published`,
          source_dataset_id: world.datasets.published,
          uploaded: true,
        });
        return "branched";
      }),
  );

  it("anyone with upload rights somewhere can branch a published dataset into their own organization", async () => {
    const [branch] = await as(world, "memberB", (tx) =>
      tx`select organization_id, document_count from public.branch_dataset(${world.datasets.published}, null, ${world.orgB})`,
    );
    expect(branch).toEqual({ organization_id: world.orgB, document_count: 2 });
  });

  it("an unreadable parent is not found", async () => {
    expect(await outcome(() => as(world, "memberB", (tx) => tx`select * from public.branch_dataset(${world.datasets.draft}, null, ${world.orgB})`))).toBe(
      "not found",
    );
  });

  it("branches are listed by branch_of", async () => {
    await as(world, "member", async (tx) => {
      await tx`select public.branch_dataset(${world.datasets.published}, 'a')`;
      const rows = await tx`select branch_name from public.datasets where branch_of = ${world.datasets.published}`;
      expect(rows).toEqual([{ branch_name: "a" }]);
    });
  });
});
