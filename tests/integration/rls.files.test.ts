// Permission matrix for files and for the Storage objects of the ndi-data bucket: every actor x
// read / register / change / remove, on published, unpublished, soft-deleted and other-organization
// datasets; objects shared by branches; the uploaded flag and counters following Storage.
import type postgres from "postgres";
import { describe, expect, it } from "vitest";
import {
  as,
  attempt,
  DATA_BUCKET,
  matrix,
  putObject,
  rowCount,
  useWorld,
  type Actor,
  type World,
} from "../support/rls-fixtures.ts";

const world = useWorld();

const key = (dataset: keyof World["datasets"], uid = `file-${dataset}`) => `${world.datasets[dataset]}/${uid}`;
/** Object names shown as `<dataset name>/<uid>`. */
const objectNames = (rows: { name: string }[]) =>
  rows.map((row) => `${world.nameOf(row.name.split("/")[0]!)}/${row.name.split("/").slice(1).join("/")}`).sort();

describe("files: which rows each actor sees", () => {
  const published = ["published/file-published"];
  const draft = ["draft/file-draft", "draft/pending"];
  matrix(
    {
      anon: published,
      outsider: published,
      viewer: [...draft, ...published],
      member: [...draft, ...published],
      admin: [...draft, ...published],
      owner: [...draft, ...published],
      platformAdmin: [...draft, "foreign/file-foreign", ...published],
      memberB: ["foreign/file-foreign", ...published],
    },
    (actor) =>
      as(world, actor, async (tx) =>
        (await tx`select dataset_id, uid from public.files`).map((row) => `${world.nameOf(row.dataset_id)}/${row.uid}`).sort(),
      ),
  );

  it("a registered file is uploaded only once its object exists", async () => {
    const rows = await as(world, "member", (tx) => tx`select uid, uploaded, size::int from public.files where dataset_id = ${world.datasets.draft} order by uid`);
    expect(rows).toEqual([
      { uid: "file-draft", uploaded: true, size: 100 },
      { uid: "pending", uploaded: false, size: null },
    ]);
  });
});

const register = (actor: Actor, dataset: keyof World["datasets"]) =>
  as(world, actor, async (tx) => {
    const [row] = await tx`insert into public.files (dataset_id, uid, object_key) values (${world.datasets[dataset]}, 'new', ${key(dataset, "new")})
      returning uploaded, created_by`;
    expect(row).toEqual({ uploaded: false, created_by: world.users[actor as Exclude<Actor, "anon">].id });
    return "registered";
  });

describe("files: register a file in the draft", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "registered", admin: "registered", owner: "registered", platformAdmin: "registered", memberB: "rls" },
    (actor) => register(actor, "draft"),
  );
});

describe("files: register a file in the published dataset (immutable for everybody)", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "rls", memberB: "rls" },
    (actor) => register(actor, "published"),
  );
});

describe("files: register a file in the soft-deleted dataset", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "rls", memberB: "rls" },
    (actor) => register(actor, "deleted"),
  );
});

describe("files: change a file row of the draft (content type)", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "1 row", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) =>
      as(world, actor, async (tx) =>
        rowCount(await tx`update public.files set content_type = 'text/plain' where dataset_id = ${world.datasets.draft} and uid = 'pending'`),
      ),
  );
});

describe("files: remove a file of the draft", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "1 row", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) =>
      as(world, actor, async (tx) => rowCount(await tx`delete from public.files where dataset_id = ${world.datasets.draft} and uid = 'file-draft'`)),
  );
});

describe("files: remove a file of the published dataset", () => {
  matrix(
    { anon: "denied", outsider: "0 rows", viewer: "0 rows", member: "0 rows", admin: "0 rows", owner: "0 rows", platformAdmin: "0 rows", memberB: "0 rows" },
    (actor) =>
      as(world, actor, async (tx) =>
        rowCount(await tx`delete from public.files where dataset_id = ${world.datasets.published} and uid = 'file-published'`),
      ),
  );
});

describe("files: guarded columns and object keys", () => {
  it("API callers cannot mark a file uploaded or change its uid", async () => {
    await as(world, "member", async (tx) => {
      for (const [column, value] of [
        ["uploaded", true],
        ["uid", "other"],
        ["dataset_id", world.datasets.foreign],
      ] as const) {
        expect(
          await attempt(() =>
            tx.savepoint((sp) => sp`update public.files set ${sp({ [column]: value })} where dataset_id = ${world.datasets.draft} and uid = 'pending'`),
          ),
        ).toBe(`error 42501: files.${column} cannot be changed`);
      }
    });
  });

  it("a file cannot point at an object the caller cannot read (no reading private bytes by key)", async () => {
    expect(
      await attempt(() =>
        as(world, "member", (tx) => tx`insert into public.files (dataset_id, uid, object_key) values (${world.datasets.draft}, 'steal', ${key("foreign")})`),
      ),
    ).toBe("error 42501: a file can only point at an object of its own dataset or one you can read");
  });

  it("it may point at a readable object of another dataset, which then is its source", async () => {
    const [row] = await as(world, "member", (tx) =>
      tx`insert into public.files (dataset_id, uid, object_key) values (${world.datasets.draft}, 'shared', ${key("published")})
         returning source_dataset_id, uploaded, size::int`,
    );
    expect(row).toEqual({ source_dataset_id: world.datasets.published, uploaded: true, size: 100 });
  });
});

describe("files follow Storage", () => {
  it("the object landing marks the row uploaded with its size and eTag, and the counters follow", async () => {
    await as(world, "member", async (tx) => {
      const counts = async () => (await tx`select file_count, total_size::int from public.datasets where id = ${world.datasets.draft}`)[0];
      expect(await counts()).toEqual({ file_count: 1, total_size: 100 });
      await putObject(tx, key("draft", "pending"), 2048); // as the member, like the Storage server does
      const [row] = await tx`select uploaded, size::int, checksum, uploaded_at from public.files where uid = 'pending'`;
      expect(row).toEqual({ uploaded: true, size: 2048, checksum: '"etag-2048"', uploaded_at: expect.any(Date) });
      expect(await counts()).toEqual({ file_count: 2, total_size: 2148 });

      await tx`select set_config('storage.allow_delete_query', 'true', true)`;
      await tx`delete from storage.objects where bucket_id = ${DATA_BUCKET} and name = ${key("draft", "pending")}`;
      expect(await tx`select uploaded from public.files where uid = 'pending'`).toEqual([{ uploaded: false }]);
      expect(await counts()).toEqual({ file_count: 1, total_size: 100 });
    });
  });
});

// ---------------------------------------------------------------- storage.objects

const objectsIn = (tx: postgres.TransactionSql) =>
  tx<{ name: string }[]>`select name from storage.objects where bucket_id = ${DATA_BUCKET}`;

describe("storage: which ndi-data objects each actor can read", () => {
  const published = ["published/file-published"];
  matrix(
    {
      anon: published,
      outsider: published,
      viewer: ["draft/file-draft", ...published],
      member: ["draft/file-draft", ...published],
      admin: ["draft/file-draft", ...published],
      owner: ["draft/file-draft", ...published],
      platformAdmin: ["draft/file-draft", "foreign/file-foreign", ...published],
      memberB: ["foreign/file-foreign", ...published],
    },
    (actor) => as(world, actor, async (tx) => objectNames(await objectsIn(tx))),
  );

  it("an object of an unpublished dataset becomes readable to anon through a published branch", async () => {
    await as(world, "admin", async (tx) => {
      const [branch] = await tx`select id from public.branch_dataset(${world.datasets.draft}, 'public copy')`;
      await tx`update public.datasets set is_published = true where id = ${branch!.id}`;
      await tx`select set_config('role', 'anon', true), set_config('request.jwt.claims', '{"role":"anon"}', true)`;
      expect(objectNames(await objectsIn(tx))).toEqual(["draft/file-draft", "published/file-published"]);
      expect(await tx`select id from public.datasets where id = ${world.datasets.draft}`).toEqual([]);
    });
  });
});

const upload = (actor: Actor, dataset: keyof World["datasets"]) =>
  as(world, actor, async (tx) => {
    await putObject(tx, key(dataset, "upload"), 10);
    return "uploaded";
  });

describe("storage: upload into the draft's folder", () => {
  matrix(
    { anon: "rls", outsider: "rls", viewer: "rls", member: "uploaded", admin: "uploaded", owner: "uploaded", platformAdmin: "uploaded", memberB: "rls" },
    (actor) => upload(actor, "draft"),
  );
});

describe("storage: upload into the published dataset's folder (immutable for everybody)", () => {
  matrix(
    { anon: "rls", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "rls", memberB: "rls" },
    (actor) => upload(actor, "published"),
  );
});

describe("storage: upload into the other organization's folder", () => {
  matrix(
    { anon: "rls", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "uploaded", memberB: "uploaded" },
    (actor) => upload(actor, "foreign"),
  );
});

describe("storage: replace an object of the draft", () => {
  matrix(
    { anon: "0 rows", outsider: "0 rows", viewer: "0 rows", member: "1 row", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) =>
      as(world, actor, async (tx) =>
        rowCount(await tx`update storage.objects set metadata = ${tx.json({ size: 5 })} where bucket_id = ${DATA_BUCKET} and name = ${key("draft")}`),
      ),
  );
});

describe("storage: remove an object of the draft (as the Storage API does)", () => {
  matrix(
    { anon: "0 rows", outsider: "0 rows", viewer: "0 rows", member: "1 row", admin: "1 row", owner: "1 row", platformAdmin: "1 row", memberB: "0 rows" },
    (actor) =>
      as(world, actor, async (tx) => {
        await tx`select set_config('storage.allow_delete_query', 'true', true)`;
        return rowCount(await tx`delete from storage.objects where bucket_id = ${DATA_BUCKET} and name = ${key("draft")}`);
      }),
  );
});

describe("storage: objects shared by a branch cannot be replaced or removed", () => {
  it("once a branch lists the draft's object, its members can no longer change it", async () => {
    await as(world, "member", async (tx) => {
      await tx`select public.branch_dataset(${world.datasets.draft}, 'b')`;
      await tx`select set_config('storage.allow_delete_query', 'true', true)`;
      expect(rowCount(await tx`update storage.objects set metadata = '{}' where name = ${key("draft")}`)).toBe("0 rows");
      expect(rowCount(await tx`delete from storage.objects where name = ${key("draft")}`)).toBe("0 rows");
      expect(objectNames(await objectsIn(tx))).toContain("draft/file-draft");
    });
  });
});
