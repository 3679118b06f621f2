// Documents over HTTP as the clients send them (contract R29–R37, R40, 3.3, 3.4, 12.1–12.6, 12.20).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ndiDocument } from "../support/rls-fixtures.ts";
import { buildDocumentsWorld, type DocumentsWorld } from "../support/documents-world.ts";
import { expectDeclaredResponse, startTestGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let world: DocumentsWorld;

beforeAll(async () => {
  gateway = await startTestGateway();
  world = await buildDocumentsWorld(gateway);
}, 60_000);
afterAll(() => gateway?.close());

const UNKNOWN_ID = "000000000000000000000000";

/** A request as a client sends it; `body` strings go out verbatim (no Content-Type unless given). */
async function call(
  method: string,
  path: string,
  { as = "member", body, contentType }: { as?: keyof DocumentsWorld["headers"]; body?: unknown; contentType?: string } = {},
) {
  const headers: Record<string, string> = { Accept: "application/json", ...world.headers[as] };
  if (contentType) headers["Content-Type"] = contentType;
  const text = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  if (typeof body === "object" && !contentType) headers["Content-Type"] = "application/json";
  const response = await fetch(`${gateway.url}${path}`, { method, headers, body: text });
  return response;
}

async function declared(method: string, path: string, response: Response) {
  return (await expectDeclaredResponse(gateway.app, method, `/v1${path}`, response)) as any;
}

async function addDocument(datasetId: string, document: unknown = ndiDocument(`ndi-${Math.random()}`, "subject")) {
  const response = await call("POST", `/datasets/${datasetId}/documents`, { body: document });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; ndiId: string };
}

const documentsPath = (datasetId: string) => `/datasets/${datasetId}/documents`;

describe("add and get (R32, R33)", () => {
  it("adds a JSON document and answers 201 with the ids and derived fields", async () => {
    const response = await call("POST", documentsPath(world.datasets.draft), { body: ndiDocument("ndi-add-1", "subject") });
    const body = await declared("POST", documentsPath(world.datasets.draft), response);
    expect(response.status).toBe(201);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      _id: body.id,
      ndiId: "ndi-add-1",
      name: "document ndi-add-1",
      className: "subject",
      datasetId: world.datasets.draft,
    });
  });

  it("reads MATLAB's webwrite body: form-urlencoded label, bare NaN/Infinity tokens; GET gives the tokens back", async () => {
    const text = '{"base":{"id":"ndi-nan","name":"n"},"document_class":{"class_name":"probe"},"v":[NaN,Infinity,-Infinity,1.5],"s":"NaN"}';
    const added = await call("POST", documentsPath(world.datasets.draft), { body: text, contentType: "application/x-www-form-urlencoded" });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: string };

    const got = await call("GET", `${documentsPath(world.datasets.draft)}/${id}`);
    expect(got.status).toBe(200);
    const raw = await got.text();
    expect(raw).toMatch(/"v": \[NaN, Infinity, -Infinity, 1\.5\]/);
    expect(raw).toContain('"s": "NaN"');

    const strict = await call("GET", `${documentsPath(world.datasets.draft)}/${id}?nonFinite=sentinels`);
    const body = await declared("GET", `${documentsPath(world.datasets.draft)}/${id}`, strict);
    expect(body.v).toEqual(["__NDI__NaN__", "__NDI__Infinity__", "__NDI__-Infinity__", 1.5]);
    expect(body.data.v).toEqual(body.v);
  });

  it("keeps integers beyond 2^53 and decimals beyond a double's precision digit for digit", async () => {
    const text = '{"base":{"id":"ndi-big"},"big":123456789012345678901234567890,"precise":0.10000000000000000555111512312578270211815834045,"small":1e-320}';
    const added = await call("POST", documentsPath(world.datasets.draft), { body: text });
    const { id } = (await added.json()) as { id: string };
    const raw = await (await call("GET", `${documentsPath(world.datasets.draft)}/${id}?nonFinite=sentinels`)).text();
    expect(raw).toContain('"big": 123456789012345678901234567890');
    expect(raw).toContain('"precise": 0.10000000000000000555111512312578270211815834045');
    expect(raw).toMatch(/"small": 0\.0{319}1[,}]/);
  });

  it("hoists the NDI fields to the top level next to the ids and data (contract 6.2)", async () => {
    const document = ndiDocument("ndi-hoist", "element", { element: { type: "probe" } });
    const { id } = await addDocument(world.datasets.draft, document);
    const response = await call("GET", `${documentsPath(world.datasets.draft)}/${id}`);
    const body = await declared("GET", `${documentsPath(world.datasets.draft)}/${id}`, response);
    expect(body).toEqual({
      ...document,
      id,
      _id: id,
      ndiId: "ndi-hoist",
      name: "document ndi-hoist",
      className: "element",
      datasetId: world.datasets.draft,
      data: document,
    });
  });

  it("accepts minimal documents and duplicate NDI ids (contract 6.1, 12.6)", async () => {
    const first = await addDocument(world.datasets.draft, { ndiId: "dup-1" });
    const second = await addDocument(world.datasets.draft, { ndiId: "dup-1" });
    expect(first.id).not.toBe(second.id);
    expect([first.ndiId, second.ndiId]).toEqual(["dup-1", "dup-1"]);
    const bare = await addDocument(world.datasets.draft, { document_class: { class_name: "x" }, base: { name: "y" } });
    expect(bare.ndiId).toBeNull();
  });

  it.each([
    ["not JSON", "{not json", 400, "malformed_json"],
    ["a JSON array", "[1,2]", 400, "validation_failed"],
    ["a JSON string", '"text"', 400, "validation_failed"],
    ["a NUL character jsonb cannot hold", '{"a":"\\u0000"}', 400, "invalid_document"],
  ])("refuses a body that is %s (status %s, code %s) and stores nothing", async (_, body, status, code) => {
    const dataset = await world.newDraft();
    const response = await call("POST", documentsPath(dataset), { body, contentType: "application/json" });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
    expect(await (await call("GET", `/datasets/${dataset}/document-count`)).json()).toMatchObject({ count: 0 });
  });

  it("refuses a body over the size limit with 413", async () => {
    const response = await call("POST", documentsPath(world.datasets.draft), { body: `{"x":"${"a".repeat(11 * 1024 * 1024)}"}` });
    expect(response.status).toBe(413);
  });

  it.each([
    ["a malformed dataset id", "not-a-valid-id", "member", 400],
    ["an unknown dataset", UNKNOWN_ID, "member", 404],
    ["another organization's dataset", "foreign", "member", 404],
    ["a dataset the viewer may only read", "draft", "viewer", 403],
    ["a published dataset", "published", "member", 403],
    ["anonymous callers", "draft", "anon", 404],
  ] as const)("add: %s (%s as %s) -> %s", async (_, dataset, as, status) => {
    const datasetId = dataset in world.datasets ? world.datasets[dataset as keyof DocumentsWorld["datasets"]] : dataset;
    const response = await call("POST", documentsPath(datasetId), { as, body: ndiDocument("x", "subject") });
    expect(response.status).toBe(status);
    await declared("POST", documentsPath(UNKNOWN_ID), response);
  });

  it("get: malformed id 400, unknown 404, other dataset's document 404, anonymous reads a published dataset", async () => {
    const { id } = await addDocument(world.datasets.draft);
    expect((await call("GET", `${documentsPath(world.datasets.draft)}/nope`)).status).toBe(400);
    expect((await call("GET", `${documentsPath(world.datasets.draft)}/${UNKNOWN_ID}`)).status).toBe(404);
    expect((await call("GET", `${documentsPath(world.datasets.foreign)}/${id}`, { as: "memberB" })).status).toBe(404);
    expect((await call("GET", `${documentsPath(world.datasets.draft)}/${id}`, { as: "anon" })).status).toBe(404);
    expect((await call("GET", `${documentsPath(world.datasets.draft)}/${id.toUpperCase()}`)).status).toBe(200);

    const [published] = await gateway.sql<{ id: string }[]>`
      insert into public.documents (dataset_id, data) values (${world.datasets.published}, ${gateway.sql.json(ndiDocument("pub-1", "subject"))}) returning id`;
    expect((await call("GET", `${documentsPath(world.datasets.published)}/${published!.id}`, { as: "anon" })).status).toBe(200);
  });
});

describe("count, class counts and list (R29–R31)", () => {
  it("agree with each other and with what was added, immediately", async () => {
    const dataset = await world.newDraft();
    for (const className of ["subject", "subject", "element", ""]) {
      await addDocument(dataset, { base: { id: `c-${Math.random()}` }, document_class: { class_name: className } });
    }
    await addDocument(dataset, { ndiId: "no-class" });

    const count = await declared("GET", `/datasets/${dataset}/document-count`, await call("GET", `/datasets/${dataset}/document-count`));
    expect(count).toEqual({ datasetId: dataset, count: 5 });
    const classes = await declared("GET", `/datasets/${dataset}/document-class-counts`, await call("GET", `/datasets/${dataset}/document-class-counts`));
    expect(classes).toEqual({ datasetId: dataset, totalDocuments: 5, classCounts: { subject: 2, element: 1, unknown: 2 } });
    const list = await declared("GET", documentsPath(dataset), await call("GET", documentsPath(dataset)));
    expect(list).toMatchObject({ totalNumber: 5, page: 1, pageSize: 1000 });
    expect(list.documents).toHaveLength(5);
    for (const item of list.documents) expect(Object.keys(item).sort()).toEqual(["_id", "className", "datasetId", "id", "name", "ndiId"]);
  });

  it("pages in creation order, disjoint and stable while documents are added", async () => {
    const dataset = await world.newDraft();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await addDocument(dataset)).id);
    const page = async (n: number) =>
      ((await (await call("GET", `${documentsPath(dataset)}?page=${n}&pageSize=2`)).json()) as { documents: { id: string }[] }).documents.map((d) => d.id);
    const first = await page(1);
    ids.push((await addDocument(dataset)).id); // a late arrival goes to the end
    const rest = [...(await page(2)), ...(await page(3)), ...(await page(4))];
    expect([...first, ...rest]).toEqual(ids);
    expect(first).toHaveLength(2);
  });

  it("an empty dataset lists nothing and counts zero; anonymous callers read a published dataset only", async () => {
    const dataset = await world.newDraft();
    expect(await (await call("GET", documentsPath(dataset))).json()).toMatchObject({ documents: [], totalNumber: 0 });
    expect((await call("GET", `/datasets/${world.datasets.published}/document-class-counts`, { as: "anon" })).status).toBe(200);
    expect((await call("GET", `/datasets/${world.datasets.published}/document-count`, { as: "anon" })).status).toBe(200);
    expect((await call("GET", `/datasets/${world.datasets.draft}/document-count`, { as: "anon" })).status).toBe(404);
    expect((await call("GET", `/datasets/${world.datasets.draft}/document-class-counts`, { as: "outsider" })).status).toBe(404);
  });

  it.each(["pageSize=1001", "pageSize=0", "page=0", "page=x"])("refuses %s with 400", async (query) => {
    const response = await call("GET", `${documentsPath(world.datasets.draft)}?${query}`);
    expect(response.status).toBe(400);
    await declared("GET", documentsPath(world.datasets.draft), response);
  });

  it("honours pageSize 1000", async () => {
    const dataset = await world.newDraft();
    await gateway.sql`insert into public.documents (dataset_id, data)
                      select ${dataset}, jsonb_build_object('ndiId', 'n' || i) from generate_series(1, 1001) as i`;
    const body = (await (await call("GET", `${documentsPath(dataset)}?pageSize=1000`)).json()) as { documents: unknown[]; totalNumber: number };
    expect(body.documents).toHaveLength(1000);
    expect(body.totalNumber).toBe(1001);
  });
});

describe("replace (R34)", () => {
  it("replaces the JSON and re-derives the fields, by POST and by PUT, answering 200 with the document", async () => {
    const { id } = await addDocument(world.datasets.draft, ndiDocument("before", "subject"));
    const path = `${documentsPath(world.datasets.draft)}/${id}`;
    const posted = await call("POST", path, { body: '{"base":{"id":"after","name":"renamed"},"document_class":{"class_name":"element"},"x":NaN}' });
    const body = await declared("POST", path, posted);
    expect(posted.status).toBe(200);
    expect(body).toMatchObject({ id, ndiId: "after", name: "renamed", className: "element", x: "__NDI__NaN__" });
    const put = await call("PUT", path, { body: ndiDocument("again", "probe") });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ id, ndiId: "again", className: "probe" });
  });

  it("unknown document 404, viewer 403, another organization 404, bad body 400", async () => {
    const { id } = await addDocument(world.datasets.draft);
    const path = `${documentsPath(world.datasets.draft)}/${id}`;
    expect((await call("POST", `${documentsPath(world.datasets.draft)}/${UNKNOWN_ID}`, { body: {} })).status).toBe(404);
    expect((await call("POST", path, { as: "viewer", body: {} })).status).toBe(403);
    expect((await call("POST", path, { as: "memberB", body: {} })).status).toBe(404);
    expect((await call("POST", path, { body: "[]" })).status).toBe(400);
  });
});

describe("delete, deleted list, bulk delete (R35–R37)", () => {
  it("when=now removes the document from get, list and count at once", async () => {
    const dataset = await world.newDraft();
    const { id } = await addDocument(dataset);
    const response = await call("DELETE", `${documentsPath(dataset)}/${id}?when=now`);
    expect(await declared("DELETE", `${documentsPath(dataset)}/${id}`, response)).toEqual({ message: expect.any(String) });
    expect((await call("GET", `${documentsPath(dataset)}/${id}`)).status).toBe(404);
    expect(await (await call("GET", `/datasets/${dataset}/document-count`)).json()).toMatchObject({ count: 0 });
    expect((await call("DELETE", `${documentsPath(dataset)}/${id}?when=now`)).status).toBe(404);
  });

  it("a soft delete lists the document as deleted until it is purged; deleting again is harmless", async () => {
    const dataset = await world.newDraft();
    const { id } = await addDocument(dataset);
    expect((await call("DELETE", `${documentsPath(dataset)}/${id}?when=1d`)).status).toBe(200);
    expect((await call("DELETE", `${documentsPath(dataset)}/${id}`)).status).toBe(200); // no when: 7d
    expect((await call("GET", `${documentsPath(dataset)}/${id}`)).status).toBe(404);
    const deleted = await declared("GET", `${documentsPath(dataset)}/deleted`, await call("GET", `${documentsPath(dataset)}/deleted`));
    expect(deleted).toMatchObject({ totalNumber: 1, documents: [{ id, _id: id, datasetId: dataset }] });
  });

  it.each(["soon", "0d", "7w", "-1d"])("refuses when=%s with 400", async (when) => {
    const { id } = await addDocument(world.datasets.draft);
    expect((await call("DELETE", `${documentsPath(world.datasets.draft)}/${id}?when=${when}`)).status).toBe(400);
  });

  it("delete as a viewer is 403, in a published dataset 409, in another organization 404", async () => {
    const { id } = await addDocument(world.datasets.draft);
    expect((await call("DELETE", `${documentsPath(world.datasets.draft)}/${id}`, { as: "viewer" })).status).toBe(403);
    expect((await call("DELETE", `${documentsPath(world.datasets.draft)}/${id}`, { as: "memberB" })).status).toBe(404);
    expect((await call("DELETE", `${documentsPath(world.datasets.published)}/${UNKNOWN_ID}`)).status).toBe(409);
    expect((await call("GET", `${documentsPath(world.datasets.draft)}/deleted`, { as: "viewer" })).status).toBe(403);
  });

  it("bulk-delete: 5 added, 3 deleted now, 2 listed", async () => {
    const dataset = await world.newDraft();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await addDocument(dataset)).id);
    const path = `${documentsPath(dataset)}/bulk-delete`;
    const response = await call("POST", path, { body: { documentIds: [...ids.slice(0, 3), ids[0], UNKNOWN_ID], when: "now" } });
    expect(await declared("POST", path, response)).toMatchObject({ deletedCount: 3 });
    const list = (await (await call("GET", documentsPath(dataset))).json()) as { documents: { id: string }[] };
    expect(list.documents.map((d) => d.id)).toEqual(ids.slice(3));
  });

  it("bulk-delete refuses malformed ids and a bad when with 400", async () => {
    const path = `${documentsPath(world.datasets.draft)}/bulk-delete`;
    expect((await call("POST", path, { body: { documentIds: ["nope"] } })).status).toBe(400);
    expect((await call("POST", path, { body: { documentIds: [], when: "later" } })).status).toBe(400);
    expect((await call("POST", path, { body: { when: "now" } })).status).toBe(400);
  });
});

describe("bulk-fetch (R40)", () => {
  const path = () => `${documentsPath(world.datasets.draft)}/bulk-fetch`;

  it("returns each requested live document once, with data, omitting unknown, deleted and foreign ids", async () => {
    const a = await addDocument(world.datasets.draft, { base: { id: "bf-a" }, x: 1 });
    const gone = await addDocument(world.datasets.draft);
    await call("DELETE", `${documentsPath(world.datasets.draft)}/${gone.id}?when=now`);
    const [foreign] = await gateway.sql<{ id: string }[]>`
      insert into public.documents (dataset_id, data) values (${world.datasets.foreign}, '{"x":2}') returning id`;
    const response = await call("POST", path(), { body: { documentIds: [a.id, a.id.toUpperCase(), gone.id, foreign!.id, UNKNOWN_ID] } });
    const body = await declared("POST", path(), response);
    expect(response.status).toBe(200);
    expect(body.documents).toEqual([
      { id: a.id, _id: a.id, ndiId: "bf-a", name: null, className: null, datasetId: world.datasets.draft, data: { base: { id: "bf-a" }, x: 1 } },
    ]);
  });

  it("writes non-finite numbers as sentinel strings", async () => {
    const { id } = await addDocument(world.datasets.draft, '{"v":[NaN,-Infinity]}');
    const body = (await (await call("POST", path(), { body: { documentIds: [id] } })).json()) as any;
    expect(body.documents[0].data.v).toEqual(["__NDI__NaN__", "__NDI__-Infinity__"]);
  });

  it.each([
    ["an empty list", { documentIds: [] }],
    ["a malformed id", { documentIds: ["not-hex"] }],
    ["more than 500 ids", { documentIds: Array.from({ length: 501 }, () => UNKNOWN_ID) }],
    ["no list", {}],
  ])("refuses %s with 400", async (_, body) => {
    const response = await call("POST", path(), { body });
    expect(response.status).toBe(400);
    await declared("POST", path(), response);
  });

  it("works anonymously on a published dataset, not on a draft", async () => {
    expect((await call("POST", `${documentsPath(world.datasets.published)}/bulk-fetch`, { as: "anon", body: { documentIds: [UNKNOWN_ID] } })).status).toBe(200);
    expect((await call("POST", path(), { as: "anon", body: { documentIds: [UNKNOWN_ID] } })).status).toBe(404);
  });
});
