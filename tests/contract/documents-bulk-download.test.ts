// R39 end to end, as the clients do it: ask for a URL, GET it (no Authorization) until 200, read
// the zip. The whole stack runs (Storage holds the zip) with the gateway's job runner.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SignJWT } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentBulkDownloadTask } from "../../gateway/jobs/tasks/document-bulk-download.ts";
import { startJobRunner, type JobRunner } from "../../gateway/jobs/runner.ts";
import { buildDocumentsWorld, type DocumentsWorld } from "../support/documents-world.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let world: DocumentsWorld;
let runner: JobRunner | undefined;
const dir = mkdtempSync(path.join(os.tmpdir(), "ndi-download-test-"));

beforeAll(async () => {
  stack = await startTestStack();
  const mintUserToken = (sub: string, email: string) =>
    new SignJWT({ role: "authenticated", aud: "authenticated", sub, email })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(stack.keys.jwtSecret));
  world = await buildDocumentsWorld({ sql: stack.sql, mintUserToken });
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startRunner() {
  return startJobRunner({
    databaseUrl: stack.databaseUrl,
    supabaseUrl: stack.supabaseUrl,
    serviceRoleKey: stack.keys.serviceRoleKey,
    dataBucket: "ndi-data",
    logger: pino({ level: "silent" }),
    jobTasks: [documentBulkDownloadTask],
    scheduledTasks: [],
    concurrency: 1,
  });
}

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

    expect((await fetch(url)).status).toBe(404); // no runner yet: not ready
    expect((await fetch(url.replace(/token=.*/, "token=wrong"))).status).toBe(404);
    runner ??= await startRunner();

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

    runner ??= await startRunner();
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
