// The bulk routes end to end, as the clients use them, on the whole stack (Storage holds the
// zips; the gateway's job runner writes and reads them).
// R38 as MATLAB does it: ask for a URL (empty body), PUT a zip of one `.json` array of documents
// written by jsonencode (bare NaN/Infinity), then find the documents listed. All or nothing: a zip
// with a bad document stores none and the job's error names each bad one.
// R39 as the clients do it: ask for a URL, GET it (no Authorization) until 200 (it answers 404
// until the zip is written), read the zip.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSingleEntryZip } from "../../gateway/documents/zip-writer.ts";
import { startDocumentsStack, type DocumentsWorld } from "../support/documents-world.ts";
import type { TestStack } from "../support/stack.ts";

let stack: TestStack;
let world: DocumentsWorld;
const dir = mkdtempSync(path.join(os.tmpdir(), "ndi-bulk-test-"));

beforeAll(async () => {
  ({ stack, world } = await startDocumentsStack());
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function requestUploadUrl(datasetId: string, as: keyof DocumentsWorld["headers"] = "member", init: RequestInit = {}) {
  return fetch(`${stack.gatewayUrl}/datasets/${datasetId}/documents/bulk-upload`, { method: "POST", ...init, headers: { ...world.headers[as], ...init.headers } });
}

/** Gets a URL (ML: empty body with a JSON content type), PUTs the zip as curl does, returns the job id. */
async function uploadZip(datasetId: string, zip: Buffer): Promise<string> {
  const response = await requestUploadUrl(datasetId, "member", { headers: { "Content-Type": "application/json" }, body: "" });
  expect(response.status).toBe(200);
  const { url, jobId } = (await response.json()) as { url: string; jobId: string };
  const put = await fetch(url, { method: "PUT", headers: { "Content-Type": "application/octet-stream" }, body: new Uint8Array(zip) });
  expect(put.status).toBe(200);
  return jobId;
}

async function zipOf(entryName: string, content: string): Promise<Buffer> {
  const file = path.join(dir, `${Math.random()}.zip`);
  await writeSingleEntryZip(file, entryName, [content]);
  return readFileSync(file);
}

async function finishedJob(jobId: string): Promise<{ state: string; error: string | null; result: unknown }> {
  for (let i = 0; i < 80; i++) {
    const [job] = await stack.sql<{ state: string; error: string | null; result: unknown }[]>`
      select state, error, result from public.jobs where id = ${jobId}`;
    if (job && (job.state === "complete" || job.state === "failed")) return job;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`job ${jobId} did not finish`);
}

async function documentCount(datasetId: string): Promise<number> {
  const response = await fetch(`${stack.gatewayUrl}/datasets/${datasetId}/document-count`, { headers: world.headers.member });
  return ((await response.json()) as { count: number }).count;
}

// What MATLAB's jsonencode(..., 'PrettyPrint', true, 'ConvertInfAndNaN', false) writes.
const MATLAB_ARRAY = `[
  {
    "base": {"id": "m1", "name": "one"},
    "document_class": {"class_name": "probe"},
    "values": [1.5, NaN, Infinity, -Infinity],
    "big": 123456789012345678901234567890
  },
  {"base": {"id": "m2"}, "document_class": {"class_name": "probe"}},
  {"ndiId": "m3"}
]`;

describe("bulk-upload (R38)", () => {
  it("ingests every document of MATLAB's zip, losslessly, as single adds would", async () => {
    const dataset = await world.newDraft();
    const job = await finishedJob(await uploadZip(dataset, await zipOf("a1b2c3.json", MATLAB_ARRAY)));
    expect(job).toMatchObject({ state: "complete", error: null, result: { documentsAdded: 3 } });
    expect(await documentCount(dataset)).toBe(3);

    const list = (await (await fetch(`${stack.gatewayUrl}/datasets/${dataset}/documents`, { headers: world.headers.member })).json()) as {
      documents: { id: string; ndiId: string }[];
    };
    const m1 = list.documents.find((document) => document.ndiId === "m1")!;
    const raw = await (await fetch(`${stack.gatewayUrl}/datasets/${dataset}/documents/${m1.id}`, { headers: world.headers.member })).text();
    expect(raw).toContain('"values": [1.5, NaN, Infinity, -Infinity]');
    expect(raw).toContain('"big": 123456789012345678901234567890');
  });

  it("stores nothing when one document is bad, and names each bad document's entry and index", async () => {
    const dataset = await world.newDraft();
    const zip = await zipOf("docs.json", '[{"base":{"id":"ok"}}, 5, {not json}, {"a":"\\u0000"}, {"base":{"id":"ok too"}}]');
    const job = await finishedJob(await uploadZip(dataset, zip));
    expect(job.state).toBe("failed");
    expect(job.error).toMatch(/^3 document\(s\) refused, nothing was stored/);
    expect(job.error).toContain("docs.json document 1: not a JSON object");
    expect(job.error).toContain("docs.json document 2: not JSON");
    expect(job.error).toContain("docs.json document 3: cannot be stored");
    expect(await documentCount(dataset)).toBe(0);
  });

  it.each([
    ["a non-JSON entry", () => zipOf("notes.txt", "hello"), /notes\.txt: not a \.json file/],
    ["a zip bomb", () => zipOf("bomb.json", `[${" ".repeat(40 * 1024 * 1024)}]`), /expands more than 200 times/],
    ["bytes that are not a zip", async () => Buffer.from("not a zip at all"), /cannot be read/],
    ["a JSON array left open", () => zipOf("open.json", '[{"a":1}'), /not closed/],
  ])("fails the job for %s, storing nothing", async (_, makeZip, message) => {
    const dataset = await world.newDraft();
    const job = await finishedJob(await uploadZip(dataset, await makeZip()));
    expect(job.state).toBe("failed");
    expect(job.error).toMatch(message);
    expect(await documentCount(dataset)).toBe(0);
  });

  it("answers 403 to a viewer, 404 for another organization's dataset, 200 with no body at all (PY)", async () => {
    expect((await requestUploadUrl(world.datasets.draft, "viewer")).status).toBe(403);
    expect((await requestUploadUrl(world.datasets.foreign)).status).toBe(404);
    const response = await requestUploadUrl(world.datasets.draft);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ url: expect.stringMatching(/^http/), jobId: expect.stringMatching(/^[0-9a-f]{24}$/) });
  });
});

async function addDocument(datasetId: string, body: string): Promise<string> {
  const response = await fetch(`${stack.gatewayUrl}/datasets/${datasetId}/documents`, {
    method: "POST",
    headers: { ...world.headers.member, "Content-Type": "application/x-www-form-urlencoded" },
    body,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function requestDownload(datasetId: string, body: unknown, as: keyof DocumentsWorld["headers"] = "member") {
  return fetch(`${stack.gatewayUrl}/datasets/${datasetId}/documents/bulk-download`, {
    method: "POST",
    headers: { ...world.headers[as], "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** PY's protocol: GET the URL once a second until it answers 200 (20 s at most). */
async function pollZip(url: string): Promise<Buffer> {
  for (let i = 0; i < 40; i++) {
    const response = await fetch(url);
    if (response.status === 200) return Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the zip never became ready");
}

/** What NDI-python does with the zip: every entry, read by Python's zipfile. */
function readZip(zip: Buffer): { names: string[]; documents: unknown[] } {
  const file = path.join(dir, `${Math.random()}.zip`);
  writeFileSync(file, zip);
  const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"names": z.namelist(), "documents": json.loads(z.read(z.namelist()[0]))}))`;
  return JSON.parse(execFileSync("python3", ["-c", script, file], { encoding: "utf8" }));
}

describe("bulk-download (R39)", () => {
  it("answers a URL at once that 404s until the zip is made, then serves exactly the stored documents", async () => {
    const dataset = await world.newDraft();
    const a = await addDocument(dataset, '{"base":{"id":"a"},"v":[NaN,-Infinity],"big":123456789012345678901234567890}');
    const b = await addDocument(dataset, '{"base":{"id":"b"}}');
    await addDocument(dataset, '{"base":{"id":"not asked for"}}');

    const response = await requestDownload(dataset, { documentIds: [a, a, b.toUpperCase(), ""] });
    expect(response.status).toBe(200);
    const { url, jobId } = (await response.json()) as { url: string; jobId: string };
    expect(url).toMatch(/^http:\/\/.+\/v1\/document-downloads\/[0-9a-f]{24}\?token=/);
    expect(jobId).toMatch(/^[0-9a-f]{24}$/);

    expect((await fetch(url.replace(/token=.*/, "token=wrong"))).status).toBe(404);

    const { names, documents } = readZip(await pollZip(url));
    expect(names).toEqual(["documents.json"]);
    expect(documents).toEqual([
      { base: { id: "a" }, v: ["__NDI__NaN__", "__NDI__-Infinity__"], big: 123456789012345678901234567890 },
      { base: { id: "b" } },
    ]);
  });

  it("with no ids zips every live document of the dataset, one per NDI id", async () => {
    const dataset = await world.newDraft();
    await addDocument(dataset, '{"base":{"id":"same"},"n":1}');
    await addDocument(dataset, '{"base":{"id":"same"},"n":2}');
    await addDocument(dataset, '{"base":{"name":"no ndi id"}}');
    const gone = await addDocument(dataset, '{"base":{"id":"gone"}}');
    await fetch(`${stack.gatewayUrl}/datasets/${dataset}/documents/${gone}?when=now`, { method: "DELETE", headers: world.headers.member });

    for (const body of [{ documentIds: [] }, { documentIds: ["", ""] }, {}]) {
      const { url } = (await (await requestDownload(dataset, body)).json()) as { url: string };
      const { documents } = readZip(await pollZip(url));
      expect(documents).toHaveLength(2);
      expect(documents).toContainEqual({ base: { id: "same" }, n: 1 });
    }
  });

  it("refuses malformed ids (400), unreadable datasets (404) and anonymous callers", async () => {
    expect((await requestDownload(world.datasets.draft, { documentIds: ["nope"] })).status).toBe(400);
    expect((await requestDownload(world.datasets.foreign, {})).status).toBe(404);
    expect((await requestDownload(world.datasets.draft, {}, "anon")).status).toBe(404);
    expect((await requestDownload(world.datasets.draft, {}, "viewer")).status).toBe(200);
  });
});
