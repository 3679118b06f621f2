// POST /ndiquery (contract R41): every operation with its negation, scopes, paging and refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ndiDocument } from "../support/rls-fixtures.ts";
import { buildDocumentsWorld, type DocumentsWorld } from "../support/documents-world.ts";
import { expectDeclaredResponse, startTestGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let world: DocumentsWorld;
let tableDataset: string;

const DOCUMENTS = {
  a: {
    base: { id: "a", name: "alpha probe" },
    document_class: { class_name: "element", definition: "$NDIDOCUMENTPATH/element.json", superclasses: [{ definition: "$NDIDOCUMENTPATH/base.json" }] },
    element: { type: "probe", ref: 7, gains: [1, 2, 3], tags: ["x", "y"], channels: [{ name: "ch1", type: "ephys" }, { name: "ch2", type: "lfp" }] },
    depends_on: [{ name: "subject_id", value: "s1" }],
  },
  b: {
    base: { id: "b", name: "Beta" },
    document_class: { class_name: "subject", superclasses: { definition: "$NDIDOCUMENTPATH/base.json" } },
    element: { type: "Probe-X", ref: 12, gains: [5, "__NDI__Infinity__"], tags: "x", channels: { name: "ch1", type: "lfp" } },
    depends_on: { name: "probe_id", value: "a" },
  },
  c: {
    base: { id: "c", name: "gamma" },
    document_class: {
      class_name: "element_epoch",
      superclasses: [{ definition: "$NDIDOCUMENTPATH/element.json" }, { definition: "$NDIDOCUMENTPATH/base.json" }],
    },
    matrix: [[1, 2, 3], [4, 5, 6]],
    nan: "__NDI__NaN__",
  },
} as const;
type Name = keyof typeof DOCUMENTS;
const ALL: Name[] = ["a", "b", "c"];

beforeAll(async () => {
  gateway = await startTestGateway();
  world = await buildDocumentsWorld(gateway);
  tableDataset = await world.newDraft("query table");
  for (const document of Object.values(DOCUMENTS)) {
    await gateway.sql`insert into public.documents (dataset_id, data) values (${tableDataset}, ${gateway.sql.json(document as never)})`;
  }
}, 60_000);
afterAll(() => gateway?.close());

async function query(body: unknown, { as = "member", search = "" }: { as?: keyof DocumentsWorld["headers"]; search?: string } = {}) {
  const response = await fetch(`${gateway.url}/ndiquery${search}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...world.headers[as] },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { response, body: (await expectDeclaredResponse(gateway.app, "POST", "/v1/ndiquery", response)) as any };
}

async function matches(searchstructure: unknown): Promise<string[]> {
  const { response, body } = await query({ scope: tableDataset, searchstructure });
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.documents.map((d: { ndiId: string }) => d.ndiId).sort();
}

const node = (operation: string, field: string, param1: unknown = "", param2: unknown = "") => ({ field, operation, param1, param2 });

const CASES: [string, ReturnType<typeof node>, Name[]][] = [
  ["exact_string", node("exact_string", "base.name", "Beta"), ["b"]],
  ["exact_string is case-sensitive", node("exact_string", "base.name", "beta"), []],
  ["exact_string_anycase", node("exact_string_anycase", "base.name", "BETA"), ["b"]],
  ["contains_string", node("contains_string", "element.type", "robe"), ["a", "b"]],
  ["regexp (case-insensitive)", node("regexp", "base.name", "^(ALPHA|gamma)"), ["a", "c"]],
  ["exact_number", node("exact_number", "element.ref", 7), ["a"]],
  ["exact_number with a vector", node("exact_number", "element.gains", [1, 2, 3]), ["a"]],
  ["lessthan (every element)", node("lessthan", "element.gains", 4), ["a"]],
  ["lessthaneq", node("lessthaneq", "element.ref", 7), ["a"]],
  ["greaterthan counts the Infinity sentinel as a number", node("greaterthan", "element.gains", 0), ["a", "b"]],
  ["greaterthaneq", node("greaterthaneq", "element.ref", 7), ["a", "b"]],
  ["a NaN sentinel never compares", node("greaterthan", "nan", -1), []],
  ["hasfield", node("hasfield", "element"), ["a", "b"]],
  ["hasfield on a nested path", node("hasfield", "base.id", true), ALL],
  ["hasmember", node("hasmember", "element.tags", "y"), ["a"]],
  ["hasmember on a collapsed one-element array", node("hasmember", "element.tags", "x"), ["a", "b"]],
  ["hassize of a matrix", node("hassize", "matrix", [2, 3]), ["c"]],
  ["hassize of a vector", node("hassize", "element.gains", [1, 3]), ["a"]],
  ["partial_struct", node("partial_struct", "element", { type: "probe", ref: 7 }), ["a"]],
  ["hasanysubfield_exact_string", node("hasanysubfield_exact_string", "element.channels", "name", "ch1"), ["a", "b"]],
  ["hasanysubfield_exact_string, all pairs on one element", node("hasanysubfield_exact_string", "element.channels", ["name", "type"], ["ch1", "lfp"]), ["b"]],
  ["hasanysubfield_contains_string", node("hasanysubfield_contains_string", "element.channels", "type", "ph"), ["a"]],
  ["isa a leaf class", node("isa", "", "subject"), ["b"]],
  ["isa a superclass", node("isa", "", "element"), ["a", "c"]],
  ["isa the root class", node("isa", "", "base"), ALL],
  ["isa is exact, not a substring", node("isa", "", "elem"), []],
  ["depends_on by name and value", node("depends_on", "", "subject_id", "s1"), ["a"]],
  ["depends_on with any name", node("depends_on", "", "*", "a"), ["b"]],
  ["or", { field: "", operation: "or", param1: node("isa", "", "subject"), param2: [node("exact_string", "base.name", "gamma")] }, ["b", "c"]],
];

describe("operations, each with its negation", () => {
  it.each(CASES)("%s", async (_, positive, expected) => {
    expect(await matches([positive])).toEqual(expected);
    if (positive.operation === "or") return;
    const negated = { ...positive, operation: `~${positive.operation}` };
    expect(await matches([negated])).toEqual(ALL.filter((name) => !expected.includes(name)));
  });

  it("ANDs the nodes of an array and takes a bare node object (PY)", async () => {
    expect(await matches([node("isa", "", "element"), node("~contains_string", "base.name", "alpha")])).toEqual(["c"]);
    expect(await matches(node("isa", "", "subject"))).toEqual(["b"]);
  });

  it("accepts omitted field and params (BFF) and MATLAB's bare NaN in a body", async () => {
    expect(await matches({ operation: "isa", param1: "subject" })).toEqual(["b"]);
    const { response } = await query(`{"scope":"${tableDataset}","searchstructure":[{"field":"x","operation":"hasfield","param1":NaN}]}`);
    expect(response.status).toBe(200);
  });
});

describe("refusals name the bad clause", () => {
  it.each([
    ["an unknown operation", [node("isa", "", "x"), node("sounds_like", "base.name", "x")], /searchstructure\[1\]\.operation: unknown operation "sounds_like"/],
    ["~or", [{ operation: "~or", param1: node("isa", "", "a"), param2: node("isa", "", "b") }], /~or/],
    ["a string where a number belongs", [node("lessthan", "element.ref", "ten")], /searchstructure\[0\]\.param1: must be a number/],
    ["a vector for a comparison", [node("lessthan", "element.ref", [1, 2])], /param1: must be a single number/],
    ["a number where a string belongs", [node("contains_string", "base.name", 5)], /param1: must be a string/],
    ["a field operation without a field", [node("exact_string", "", "x")], /searchstructure\[0\]\.field/],
    ["an invalid regular expression", [node("regexp", "base.name", "(unclosed")], /searchstructure\[0\]\.param1: not a valid regular expression/],
    ["mismatched hasanysubfield pairs", [node("hasanysubfield_exact_string", "element.channels", ["name", "type"], "ch1")], /param2/],
    ["a node that is not an object", ["isa"], /searchstructure\[0\]: must be an object/],
    ["over-deep nesting", nested(10), /nested deeper than 8 levels/],
    ["too many clauses", Array.from({ length: 101 }, () => node("isa", "", "x")), /more than 100 clauses/],
  ])("%s -> 400", async (_, searchstructure, message) => {
    const { response, body } = await query({ scope: "all", searchstructure });
    expect(response.status).toBe(400);
    expect(body.message).toMatch(message);
  });

  it.each([["nonsense"], ["public,private"], ["abc"], [""]])("scope %j -> 400", async (scope) => {
    const { response } = await query({ scope, searchstructure: [] });
    expect(response.status).toBe(400);
  });

  it("no body, or no searchstructure -> 400", async () => {
    expect((await query("")).response.status).toBe(400);
    expect((await query({ scope: "all" })).response.status).toBe(400);
  });
});

function nested(depth: number): unknown {
  let inner: unknown = node("isa", "", "x");
  for (let i = 0; i < depth; i++) inner = { operation: "or", param1: inner, param2: node("isa", "", "y") };
  return [inner];
}

describe("scopes, paging and deleted documents", () => {
  let draftIds: string[];
  let publishedIds: string[];
  let foreignIds: string[];

  beforeAll(async () => {
    const add = async (dataset: string, n: number) =>
      (
        await gateway.sql<{ id: string }[]>`
          insert into public.documents (dataset_id, data)
          select ${dataset}, ${gateway.sql.json(ndiDocument("scoped", "scopetest") as never)}::jsonb from generate_series(1, ${n})
          returning id`
      ).map((row) => row.id).sort();
    draftIds = await add(world.datasets.draft, 5);
    publishedIds = await add(world.datasets.published, 2);
    foreignIds = await add(world.datasets.foreign, 1);
  });

  const ids = async (scope: string, as: keyof DocumentsWorld["headers"]) => {
    const { response, body } = await query({ scope, searchstructure: [node("isa", "", "scopetest")] }, { as, search: "?pageSize=1000" });
    expect(response.status).toBe(200);
    expect(body.number_matches).toBe(body.totalItems);
    return body.documents.map((d: { id: string }) => d.id);
  };

  it("public: published datasets, anonymous callers included", async () => {
    expect(await ids("public", "anon")).toEqual(publishedIds);
    expect(await ids("public", "member")).toEqual(publishedIds);
  });

  it("private: the caller's readable unpublished datasets; all: both", async () => {
    expect(await ids("private", "anon")).toEqual([]);
    expect(await ids("private", "member")).toEqual(draftIds);
    expect(await ids("private", "memberB")).toEqual(foreignIds);
    expect(await ids("all", "member")).toEqual([...draftIds, ...publishedIds].sort());
  });

  it("dataset ids: only readable ones count, unknown ones are dropped, any case", async () => {
    const scope = `${world.datasets.draft.toUpperCase()}, ${world.datasets.foreign},000000000000000000000000`;
    expect(await ids(scope, "member")).toEqual(draftIds);
    expect(await ids("000000000000000000000000", "member")).toEqual([]);
  });

  it("pages are disjoint, in id order, and report the total", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const { body } = await query({ scope: "private", searchstructure: [node("isa", "", "scopetest")] }, { search: `?page=${page}&pageSize=2` });
      expect(body).toMatchObject({ number_matches: 5, totalItems: 5, page, pageSize: 2 });
      seen.push(...body.documents.map((d: { id: string }) => d.id));
    }
    expect(seen).toEqual(draftIds);
  });

  it("deleted documents never match", async () => {
    await gateway.sql`update public.documents set deleted_at = now(), delete_after = now() + interval '1 day' where id = ${draftIds[0]!}`;
    expect(await ids("private", "member")).toEqual(draftIds.slice(1));
  });
});
