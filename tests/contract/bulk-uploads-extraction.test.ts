// File bulk-upload extraction (contract R43, R45, 7.3, 8): the client PUTs a zip to the job's URL as
// NDI-python does; the job starts when the zip lands, extracts each entry as the file named by its
// base name, and ends `complete` with every file listed and downloadable, or `failed` saying why,
// with no file of a refused archive visible.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkUploadJobSchema, bulkUploadUrlSchema } from "../../gateway/routes/bulk-uploads/bulk-uploads.routes.ts";
import { fileDetailSchema, uploadUrlSchema } from "../../gateway/routes/files/files.routes.ts";
import { enc, startFilesWorld, type FilesWorld } from "../support/files-world.ts";
import { zipArchive, type ZipEntrySpec } from "../support/zip-archive.ts";

// Small limits for this file, so the bomb and size defences can be tried with small archives.
process.env.NDI_MAX_FILE_BYTES = String(4 * 1024 * 1024);
process.env.NDI_BULK_UPLOAD_RATIO_FROM_BYTES = String(64 * 1024);

let world: FilesWorld;

beforeAll(async () => {
  world = await startFilesWorld();
}, 60_000);

afterAll(async () => {
  await world?.stack.stop();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

async function bulkUpload(datasetId: string) {
  const response = await world.api(`datasets/${enc(world.orgA)}/${enc(datasetId)}/files/bulk`, { token: world.tokens.member, method: "POST" });
  expect(response.status).toBe(200);
  return bulkUploadUrlSchema.parse(await response.json());
}

/** The PUT exactly as NDI-python sends it: raw bytes, octet-stream, no Authorization. */
async function put(url: string, body: Uint8Array) {
  const response = await fetch(url, { method: "PUT", body: new Uint8Array(body), headers: { "Content-Type": "application/octet-stream" } });
  expect(response.status).toBe(200);
}

async function job(jobId: string) {
  const response = await world.api(`bulk-uploads/${enc(jobId)}`, { token: world.tokens.member });
  expect(response.status).toBe(200);
  return bulkUploadJobSchema.parse(await response.json());
}

/** Polls R45 as the clients do until the job is complete or failed. */
async function finished(jobId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const current = await job(jobId);
    if (current.state === "complete" || current.state === "failed") return current;
    if (Date.now() > deadline) throw new Error(`job ${jobId} is still ${current.state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function uploadZip(datasetId: string, entries: ZipEntrySpec[] | Buffer) {
  const { url, jobId } = await bulkUpload(datasetId);
  await put(url, Array.isArray(entries) ? zipArchive(entries) : entries);
  return finished(jobId);
}

async function detail(datasetId: string, uid: string) {
  const response = await world.api(`datasets/${enc(datasetId)}/files/${enc(uid)}/detail`, { token: world.tokens.member });
  expect(response.status).toBe(200);
  return fileDetailSchema.parse(await response.json());
}

async function download(datasetId: string, uid: string): Promise<Buffer> {
  const response = await fetch((await detail(datasetId, uid)).downloadUrl);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const fileUids = async (datasetId: string) =>
  (await world.stack.sql<{ uid: string }[]>`select uid from public.files where dataset_id = ${datasetId} order by uid`).map((row) => row.uid);

const bulkUploadObjects = (datasetId: string) =>
  world.stack.sql`select name from storage.objects where bucket_id = 'ndi-data' and name like ${`${datasetId}/bulk-uploads/%`}`;

describe("extracting a zip", () => {
  it("registers every entry under its base name, downloadable with its SHA-256, and removes the zip", async () => {
    const dataset = await world.createDataset(world.orgA, "extracted");
    const random = randomBytes(100_000);
    const compressible = bytes("0123456789".repeat(5_000));
    const started = Date.now();
    const done = await uploadZip(dataset, [
      { name: "4126945b0315ec90_c0d16626cae2dacf", data: random },
      { name: "nested/", data: new Uint8Array() },
      { name: "nested/folders/compressible", data: compressible, deflate: true },
      { name: "empty", data: new Uint8Array() },
      { name: "ünïcode file.bin", data: bytes("unicode") },
    ]);

    expect(done).toMatchObject({ state: "complete", filesExtracted: 4, totalFiles: 4, error: null, datasetId: dataset });
    expect(Date.parse(done.startedAt!)).toBeGreaterThanOrEqual(started - 1000);
    expect(Date.parse(done.completedAt!)).toBeGreaterThanOrEqual(Date.parse(done.startedAt!));
    expect(await fileUids(dataset)).toEqual(["4126945b0315ec90_c0d16626cae2dacf", "compressible", "empty", "ünïcode file.bin"]);

    expect(await download(dataset, "4126945b0315ec90_c0d16626cae2dacf")).toEqual(random);
    expect(await download(dataset, "compressible")).toEqual(Buffer.from(compressible));
    expect(await download(dataset, "empty")).toEqual(Buffer.alloc(0));
    expect(await detail(dataset, "compressible")).toMatchObject({ uploaded: true, size: compressible.length, sha256: sha256(compressible) });
    expect(await bulkUploadObjects(dataset)).toEqual([]);
    const [counters] = await world.stack.sql`select file_count::int as count from public.datasets where id = ${dataset}`;
    expect(counters).toEqual({ count: 4 });
  });

  it("replaces a uid uploaded before, and a later single upload forgets the SHA-256 it cannot vouch for", async () => {
    const dataset = await world.createDataset(world.orgA, "replaced");
    const singleUrl = async () => {
      const response = await world.api(`datasets/${enc(world.orgA)}/${enc(dataset)}/files/same`, { token: world.tokens.member });
      return uploadUrlSchema.parse(await response.json()).url;
    };
    await put(await singleUrl(), bytes("single upload"));
    expect((await detail(dataset, "same")).sha256).toBeNull();

    expect(await uploadZip(dataset, [{ name: "same", data: bytes("from the zip") }])).toMatchObject({ state: "complete" });
    expect(await download(dataset, "same")).toEqual(Buffer.from("from the zip"));
    expect((await detail(dataset, "same")).sha256).toBe(sha256(bytes("from the zip")));

    await put(await singleUrl(), bytes("single upload again"));
    expect(await detail(dataset, "same")).toMatchObject({ sha256: null, size: 19 });
    expect(await fileUids(dataset)).toEqual(["same"]);
  });

  it("does not start before its zip lands: the job waits for the upload URL to expire", async () => {
    const dataset = await world.createDataset(world.orgA, "waiting");
    const { jobId } = await bulkUpload(dataset);
    const [row] = await world.stack.sql<{ waits: number }[]>`
      select extract(epoch from run_after - created_at)::int as waits from public.jobs where id = ${jobId}`;
    expect(row!.waits).toBe(130 * 60);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await job(jobId)).state).toBe("queued");
  });

  it("fails a job whose zip never came once its deadline is reached", async () => {
    const dataset = await world.createDataset(world.orgA, "abandoned");
    const { jobId } = await bulkUpload(dataset);
    await world.stack.sql`select private.run_job_now(${jobId})`;
    expect(await finished(jobId)).toMatchObject({ state: "failed", error: "No zip was uploaded before the upload URL expired", filesExtracted: 0 });
  });
});

describe("refusing a bad archive", () => {
  const valid = zipArchive([{ name: "a", data: randomBytes(5_000) }, { name: "b", data: randomBytes(5_000) }]);

  it.each<[string, ZipEntrySpec[] | Buffer, RegExp]>([
    ["bytes that are no zip", randomBytes(2_000), /not a readable zip archive/],
    ["a truncated archive", valid.subarray(0, valid.length - 30), /not a readable zip archive/],
    ["an empty upload", Buffer.alloc(0), /not a readable zip archive/],
    ["a `..` entry (zip slip)", [{ name: "ok", data: bytes("x") }, { name: "../escape", data: bytes("x") }], /invalid relative path/],
    ["an absolute entry name", [{ name: "/etc/passwd", data: bytes("x") }], /absolute path/],
    ["a Windows absolute name", [{ name: "C:\\Windows\\evil", data: bytes("x") }], /absolute path/],
    ["two entries with one base name", [{ name: "a/same", data: bytes("1") }, { name: "b/same", data: bytes("2") }], /"a\/same" and "b\/same" are both file "same"/],
    ["an entry naming `.`", [{ name: "dir/.", data: bytes("x") }], /does not name a usable file uid/],
    ["a zip bomb (compression ratio)", [{ name: "zeros", data: new Uint8Array(3 * 1024 * 1024), deflate: true }], /expands more than 200 times/],
    ["an entry over the per-file limit", [{ name: "huge", data: bytes("tiny"), deflate: true, declaredSize: 0xfffffff0 }], /larger than 4194304 bytes/],
  ])("fails %s, saying why, and lists no file", async (_case, archive, why) => {
    const dataset = await world.createDataset(world.orgA, "refused");
    const done = await uploadZip(dataset, archive);
    expect(done).toMatchObject({ state: "failed", filesExtracted: 0 });
    expect(done.error).toMatch(/^The zip cannot be extracted: /);
    expect(done.error).toMatch(why);
    expect(await fileUids(dataset)).toEqual([]);
    expect(await bulkUploadObjects(dataset)).toEqual([]);
  });

  it("fails at an entry whose bytes do not match its CRC, keeping the verified files before it", async () => {
    const dataset = await world.createDataset(world.orgA, "corrupt");
    const done = await uploadZip(dataset, [
      { name: "good", data: bytes("good bytes") },
      { name: "bad", data: bytes("bad bytes"), crc: 1234 },
      { name: "never", data: bytes("never reached") },
    ]);
    expect(done).toMatchObject({ state: "failed", filesExtracted: 1, totalFiles: 3 });
    expect(done.error).toBe('The zip cannot be extracted: entry "bad" is corrupt or truncated: its CRC-32 does not match (files extracted before it: 1)');
    expect(await fileUids(dataset)).toEqual(["good"]);
    const [stray] = await world.stack.sql`select count(*)::int as n from storage.objects where name = ${`${dataset}/bad`}`;
    expect(stray).toEqual({ n: 0 });
  });

  it("fails an entry whose data is shorter than its declared size", async () => {
    const dataset = await world.createDataset(world.orgA, "short");
    const done = await uploadZip(dataset, [{ name: "short", data: bytes("abc"), deflate: true, declaredSize: 100 }]);
    expect(done).toMatchObject({ state: "failed" });
    expect(done.error).toMatch(/entry "short" is corrupt or truncated: /);
    expect(await fileUids(dataset)).toEqual([]);
  });
});
