// Organizations and datasets (contract R15–R23, R27, R28): over HTTP with plain fetch, as the
// clients call them; every answer is checked against the route's declared schema.
import { beforeAll, describe, expect, it } from "vitest";
import {
  branchListSchema,
  datasetDetailSchema,
  datasetListSchema,
  deleteResultSchema,
} from "../../gateway/routes/datasets/datasets.schemas.ts";
import { call, createDatasetViaApi, enc, expectError, getDataset, NO_SUCH_ID, useDatasetsWorld } from "./datasets.fixtures.ts";

const world = useDatasetsWorld();
const ISO_MS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const api = (path: string, options?: Parameters<typeof call>[2]) => call(world.stack, path, options);

async function addDocument(datasetId: string, data: Record<string, unknown>) {
  const [row] = await world.stack.sql<{ id: string }[]>`
    insert into public.documents (dataset_id, data) values (${datasetId}, ${world.stack.sql.json(data as never)}) returning id`;
  return row!.id;
}

async function publishDirectly(datasetId: string) {
  await world.stack.sql`update public.datasets set is_published = true where id = ${datasetId}`;
}

describe("R16 create", () => {
  it("answers 201 with the whole dataset, both id forms and ISO timestamps with milliseconds", async () => {
    const response = await api(`organizations/${world.orgA}/datasets`, {
      token: world.tokens.member,
      method: "POST",
      body: { name: "Created", description: "about it" },
    });
    expect(response.status).toBe(201);
    const dataset = datasetDetailSchema.parse(response.body);
    expect(dataset._id).toBe(dataset.id);
    expect(dataset.id).toMatch(/^[0-9a-f]{24}$/);
    expect(dataset).toMatchObject({
      name: "Created",
      description: "about it",
      organizationId: world.orgA,
      isPublished: false,
      isSubmitted: false,
      isDeleted: false,
      documentCount: 0,
      totalSize: 0,
      documents: [],
      files: [],
    });
    expect(dataset.createdAt).toMatch(ISO_MS_Z);
    expect(dataset.updatedAt).toMatch(ISO_MS_Z);
  });

  it("stores MATLAB's odd shapes as given: funding object, orchid, placeholder DOI, unknown fields", async () => {
    const metadata = {
      name: "MATLAB dataset",
      abstract: "An abstract",
      branchName: "main",
      contributors: [{ firstName: "Ada", lastName: "Lovelace", orchid: "0000-0002-1825-0097" }],
      correspondingAuthors: [{ firstName: "Ada", lastName: "Lovelace", orchid: "0000-0002-1825-0097" }],
      doi: "https://doi.org://10.1000/123456789",
      funding: { source: "NIH" },
      license: "ccByNcSa4_0",
      species: "Mus musculus, Rattus",
      numberOfSubjects: 3,
      associatedPublications: [{ DOI: "10.1/x", title: "Paper", PMID: "1", PMCID: "PMC1" }],
      isSubscribed: true,
      labNotes: { any: ["shape", 1] },
    };
    const id = await createDatasetViaApi(world, metadata);
    expect(await getDataset(world, id, world.tokens.member)).toMatchObject(metadata);
  });

  it("refuses callers without upload rights with 400, as the clients expect, and stores nothing", async () => {
    const before = await world.stack.sql`select count(*)::int as n from public.datasets`;
    for (const token of [world.tokens.viewer, world.tokens.memberB]) {
      expectError(await api(`organizations/${world.orgA}/datasets`, { token, method: "POST", body: { name: "no" } }), 400);
    }
    const after = await world.stack.sql`select count(*)::int as n from public.datasets`;
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("needs a token", async () => {
    expectError(await api(`organizations/${world.orgA}/datasets`, { method: "POST", body: { name: "x" } }), 401);
  });

  it("answers 400 for bodies it cannot store: empty (no name), a list, a non-string name, wrong types", async () => {
    const path = `organizations/${world.orgA}/datasets`;
    const token = world.tokens.member;
    expectError(await api(path, { token, method: "POST" }), 400);
    expectError(await api(path, { token, method: "POST", contentType: "application/json" }), 400);
    expectError(await api(path, { token, method: "POST", body: [{ name: "x" }] }), 400);
    expectError(await api(path, { token, method: "POST", body: { name: 42 } }), 400);
    expectError(await api(path, { token, method: "POST", body: { name: "x", numberOfSubjects: "three" } }), 400);
    expectError(await api(path, { token, method: "POST", body: "{not json" }), 400);
  });

  it("answers 400 for a malformed organization id", async () => {
    expectError(await api(`organizations/not-an-id/datasets`, { token: world.tokens.member, method: "POST", body: { name: "x" } }), 400);
  });
});

describe("R15 an organization's datasets", () => {
  let ids: string[];

  beforeAll(async () => {
    ids = [];
    for (const name of ["p1", "p2", "p3"]) ids.push(await createDatasetViaApi(world, { name }));
  });

  it("lists newest first with page, pageSize and the full totalNumber; pages are disjoint", async () => {
    const first = datasetListSchema.parse((await api(`organizations/${world.orgA}/datasets?page=1&pageSize=2`, { token: world.tokens.member })).body);
    const second = datasetListSchema.parse((await api(`organizations/${world.orgA}/datasets?page=2&pageSize=2`, { token: world.tokens.member })).body);
    expect(first.datasets.map((d) => d.id)).toEqual([ids[2], ids[1]]);
    expect(first).toMatchObject({ page: 1, pageSize: 2 });
    expect(second.datasets[0]!.id).toBe(ids[0]);
    expect(first.totalNumber).toBe(second.totalNumber);
    const all = datasetListSchema.parse((await api(`organizations/${world.orgA}/datasets?pageSize=1000`, { token: world.tokens.member })).body);
    expect(all.totalNumber).toBe(all.datasets.length);
    expect(new Set(all.datasets.map((d) => d.id)).size).toBe(all.datasets.length);
  });

  it("uses defaults without paging, answers an empty page past the end, and 400 for bad paging", async () => {
    const defaults = datasetListSchema.parse((await api(`organizations/${world.orgA}/datasets`, { token: world.tokens.viewer })).body);
    expect(defaults).toMatchObject({ page: 1, pageSize: 20 });
    expect(defaults.datasets[0]!.id).toBe(ids[2]);
    const past = datasetListSchema.parse((await api(`organizations/${world.orgA}/datasets?page=999`, { token: world.tokens.member })).body);
    expect(past.datasets).toEqual([]);
    expect(past.totalNumber).toBe(defaults.totalNumber);
    for (const query of ["page=0", "pageSize=0", "pageSize=1001", "page=abc", "pageSize=1.5"]) {
      expectError(await api(`organizations/${world.orgA}/datasets?${query}`, { token: world.tokens.member }), 400);
    }
  });

  it("shows another organization's member only what RLS lets them read", async () => {
    const other = datasetListSchema.parse((await api(`organizations/${world.orgA}/datasets`, { token: world.tokens.memberB })).body);
    expect(other.datasets.every((d) => d.isPublished)).toBe(true);
    expectError(await api(`organizations/${world.orgA}/datasets`), 401);
  });
});

describe("R20 get", () => {
  it("lists the document ids and only landed files", async () => {
    const id = await createDatasetViaApi(world, { name: "with content" });
    const documentId = await addDocument(id, { base: { id: "a_b", name: "doc" }, document_class: { class_name: "subject" } });
    await world.stack.sql`
      insert into public.files (dataset_id, uid, object_key) values (${id}, 'not-landed', ${`${id}/not-landed`})`;
    const dataset = await getDataset(world, id, world.tokens.member);
    expect(dataset.documents).toEqual([documentId]);
    expect(dataset.documentCount).toBe(1);
    expect(dataset.files).toEqual([]);
  });

  it("is 404 for unknown ids and other organizations' drafts, 400 for malformed ids", async () => {
    const id = await createDatasetViaApi(world);
    expectError(await api(`datasets/${NO_SUCH_ID}`, { token: world.tokens.member }), 404);
    expectError(await api(`datasets/${id}`, { token: world.tokens.memberB }), 404);
    expectError(await api(`datasets/${id}`), 404);
    expectError(await api(`datasets/not-a-valid-id`, { token: world.tokens.member }), 400);
  });

  it("serves published datasets without a token", async () => {
    const id = await createDatasetViaApi(world, { name: "public" });
    expectError(await call(world.stack, `datasets/${enc(id)}`), 404);
    await publishDirectly(id);
    expect((await getDataset(world, id)).isPublished).toBe(true);
    const published = datasetListSchema.parse((await api("datasets/published?pageSize=1000")).body);
    expect(published.datasets.map((d) => d.id)).toContain(id);
    expect(published.datasets.every((d) => d.isPublished)).toBe(true);
  });
});

describe("R21 update", () => {
  it("merges the given fields, keeps the others, and the next GET shows it", async () => {
    const id = await createDatasetViaApi(world, { name: "before", abstract: "kept", funding: { source: "NIH" } });
    const response = await api(`datasets/${id}`, {
      token: world.tokens.member,
      method: "POST",
      body: { name: "after", isSubmitted: true, extra: 1, id: "ffffffffffffffffffffffff", documentCount: 99 },
    });
    expect(response.status).toBe(200);
    expect(datasetDetailSchema.parse(response.body)).toMatchObject({ id, name: "after", abstract: "kept", extra: 1, documentCount: 0 });
    expect(await getDataset(world, id, world.tokens.member)).toMatchObject({ id, name: "after", isSubmitted: true, funding: { source: "NIH" } });
    // MATLAB resets a submission this way.
    await api(`datasets/${id}`, { token: world.tokens.member, method: "POST", body: { isSubmitted: false } });
    expect((await getDataset(world, id, world.tokens.member)).isSubmitted).toBe(false);
  });

  it("accepts empty bodies with and without a content type and changes nothing", async () => {
    const id = await createDatasetViaApi(world, { name: "same" });
    for (const contentType of [undefined, "application/json"]) {
      const response = await api(`datasets/${id}`, { token: world.tokens.member, method: "POST", contentType });
      expect(response.status).toBe(200);
      expect(response.body!.name).toBe("same");
    }
  });

  it("answers 400 for input it cannot store and changes nothing", async () => {
    const id = await createDatasetViaApi(world, { name: "unchanged" });
    for (const body of ["[1, 2]", '"text"', JSON.stringify({ name: 5 }), JSON.stringify({ name: null }), JSON.stringify({ name: "x", neurons: "many" })]) {
      expectError(await api(`datasets/${id}`, { token: world.tokens.member, method: "POST", body }), 400);
    }
    expect((await getDataset(world, id, world.tokens.member)).name).toBe("unchanged");
  });

  it("is 403 for a viewer, 404 for another organization and unknown ids, 401 without a token", async () => {
    const id = await createDatasetViaApi(world);
    expectError(await api(`datasets/${id}`, { token: world.tokens.viewer, method: "POST", body: { name: "no" } }), 403);
    expectError(await api(`datasets/${id}`, { token: world.tokens.memberB, method: "POST", body: { name: "no" } }), 404);
    expectError(await api(`datasets/${NO_SUCH_ID}`, { token: world.tokens.member, method: "POST", body: { name: "no" } }), 404);
    expectError(await api(`datasets/${id}`, { method: "POST", body: { name: "no" } }), 401);
  });

  it("keeps both of two concurrent updates of different fields", async () => {
    const id = await createDatasetViaApi(world, { name: "parallel" });
    const updates = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api(`datasets/${id}`, { token: world.tokens.member, method: "POST", body: i % 2 ? { [`extra${i}`]: i } : { species: `s${i}`, [`extra${i}`]: i } }),
      ),
    );
    expect(updates.map((u) => u.status)).toEqual(Array(6).fill(200));
    const dataset = await getDataset(world, id, world.tokens.member);
    for (let i = 0; i < 6; i++) expect(dataset[`extra${i}`]).toBe(i);
  });

  it("lets only organization admins publish through an update", async () => {
    const id = await createDatasetViaApi(world);
    expectError(await api(`datasets/${id}`, { token: world.tokens.member, method: "POST", body: { isPublished: true } }), 403);
    expect((await api(`datasets/${id}`, { token: world.tokens.admin, method: "POST", body: { isPublished: true } })).status).toBe(200);
  });
});

describe("R18 unpublished", () => {
  it("lists the caller's submitted, unpublished datasets with server defaults", async () => {
    const submitted = await createDatasetViaApi(world, { name: "in review", isSubmitted: true });
    const draft = await createDatasetViaApi(world, { name: "draft" });
    const list = datasetListSchema.parse((await api("datasets/unpublished", { token: world.tokens.member })).body);
    expect(list.datasets.map((d) => d.id)).toContain(submitted);
    expect(list.datasets.map((d) => d.id)).not.toContain(draft);
    const other = datasetListSchema.parse((await api("datasets/unpublished", { token: world.tokens.memberB })).body);
    expect(other.datasets.map((d) => d.id)).not.toContain(submitted);
    expectError(await api("datasets/unpublished"), 401);
  });
});

describe("R22, R23, R19 soft delete", () => {
  it("hides a soft-deleted dataset, lists it as deleted, and undelete restores it with its documents", async () => {
    const id = await createDatasetViaApi(world, { name: "to delete" });
    const documentId = await addDocument(id, { base: { id: "x_y" } });
    const deleted = await api(`datasets/${id}?when=7d`, { token: world.tokens.member, method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deleteResultSchema.parse(deleted.body)).toMatchObject({ datasetId: id, purged: false });
    expectError(await api(`datasets/${id}`, { token: world.tokens.member }), 404);

    const bin = datasetListSchema.parse((await api("datasets/deleted?pageSize=1000", { token: world.tokens.member })).body);
    expect(bin.datasets.find((d) => d.id === id)).toMatchObject({ isDeleted: true, deleteCommandTime: expect.stringMatching(ISO_MS_Z) });
    const foreignBin = datasetListSchema.parse((await api("datasets/deleted", { token: world.tokens.memberB })).body);
    expect(foreignBin.datasets.map((d) => d.id)).not.toContain(id);

    // MATLAB: empty body labelled application/json.
    const restored = await api(`datasets/${id}/undelete`, { token: world.tokens.member, method: "POST", contentType: "application/json" });
    expect(restored.status).toBe(200);
    expect((await getDataset(world, id, world.tokens.member)).documents).toEqual([documentId]);
  });

  it("deletes with the default delay when `when` is missing, and deleting again is harmless", async () => {
    const id = await createDatasetViaApi(world);
    const first = deleteResultSchema.parse((await api(`datasets/${id}`, { token: world.tokens.member, method: "DELETE" })).body);
    const days = (Date.parse(first.deleteOccurrenceTime) - Date.parse(first.deleteCommandTime)) / 86_400_000;
    expect(Math.round(days)).toBe(7);
    expect((await api(`datasets/${id}?when=30m`, { token: world.tokens.member, method: "DELETE" })).status).toBe(200);
  });

  it("when=now is gone for good: 404 afterwards, undelete 404, and its storage is queued for purging", async () => {
    const id = await createDatasetViaApi(world, { name: "now" });
    await addDocument(id, { base: { id: "gone" } });
    const response = await api(`datasets/${id}?when=now`, { token: world.tokens.member, method: "DELETE" });
    expect(response.status).toBe(200);
    expect(typeof response.body!.message).toBe("string");
    expectError(await api(`datasets/${id}`, { token: world.tokens.member }), 404);
    expectError(await api(`datasets/${id}/undelete`, { token: world.tokens.member, method: "POST" }), 404);
    expect(await world.stack.sql`select 1 from public.documents where dataset_id = ${id}`).toHaveLength(0);
    const jobs = await world.stack.sql`select params from public.jobs where kind = 'purge' and params ->> 'datasetId' = ${id}`;
    expect(jobs).toHaveLength(1);
  });

  it("refuses bad `when`, viewers, other organizations and published datasets", async () => {
    const id = await createDatasetViaApi(world);
    for (const when of ["soon", "0d", "7", "-1h", "1w"]) {
      expectError(await api(`datasets/${id}?when=${when}`, { token: world.tokens.member, method: "DELETE" }), 400);
    }
    expectError(await api(`datasets/${id}?when=1d`, { token: world.tokens.viewer, method: "DELETE" }), 403);
    expectError(await api(`datasets/${id}?when=1d`, { token: world.tokens.memberB, method: "DELETE" }), 404);
    expectError(await api(`datasets/${NO_SUCH_ID}?when=1d`, { token: world.tokens.member, method: "DELETE" }), 404);
    expectError(await api(`datasets/${NO_SUCH_ID}/undelete`, { token: world.tokens.member, method: "POST" }), 404);
    await publishDirectly(id);
    expectError(await api(`datasets/${id}?when=1d`, { token: world.tokens.member, method: "DELETE" }), 409);
    expect((await getDataset(world, id, world.tokens.member)).isDeleted).toBe(false);
  });
});

describe("R27, R28 branches", () => {
  it("a fresh dataset has no branches, under both keys", async () => {
    const id = await createDatasetViaApi(world);
    const response = await api(`datasets/${id}/branches`, { token: world.tokens.member });
    expect(branchListSchema.parse(response.body)).toEqual({ branches: [], datasets: [] });
  });

  it("branches with no body (Python) or a branchName (MATLAB), sharing documents and files without copying bytes", async () => {
    const parent = await createDatasetViaApi(world, { name: "parent" });
    await addDocument(parent, { base: { id: "shared" } });
    await world.stack.sql`
      insert into public.files (dataset_id, uid, object_key) values (${parent}, 'f1', ${`${parent}/f1`})`;

    const unnamed = await api(`datasets/${parent}/branch`, { token: world.tokens.member, method: "POST" });
    expect(unnamed.status).toBe(200);
    const branch = datasetDetailSchema.parse(unnamed.body);
    expect(branch).toMatchObject({ branchOf: parent, name: "parent", organizationId: world.orgA });
    expect(branch.id).not.toBe(parent);
    expect(branch.documents).toHaveLength(1);
    const keys = await world.stack.sql`select object_key from public.files where dataset_id = ${branch.id}`;
    expect(keys).toEqual([{ object_key: `${parent}/f1` }]);

    const named = await api(`datasets/${parent}/branch`, {
      token: world.tokens.member,
      method: "POST",
      body: { branchName: "analysis" },
    });
    expect(named.status).toBe(200);
    expect(named.body!.branchName).toBe("analysis");

    const list = branchListSchema.parse((await api(`datasets/${parent}/branches`, { token: world.tokens.viewer })).body);
    expect(list.branches.map((b) => b.id).sort()).toEqual([branch.id, named.body!.id].sort());
    expect(list.datasets).toEqual(list.branches);
  });

  it("refuses unknown and foreign datasets (404) and viewers (403); branches of published datasets are public", async () => {
    const id = await createDatasetViaApi(world);
    expectError(await api(`datasets/${NO_SUCH_ID}/branch`, { token: world.tokens.member, method: "POST" }), 404);
    expectError(await api(`datasets/${id}/branch`, { token: world.tokens.memberB, method: "POST" }), 404);
    expectError(await api(`datasets/${id}/branch`, { token: world.tokens.viewer, method: "POST" }), 403);
    expectError(await api(`datasets/${id}/branches`), 404);
    expectError(await api(`datasets/not-an-id/branches`), 400);
    await publishDirectly(id);
    expect((await api(`datasets/${id}/branches`)).status).toBe(200);
  });
});
