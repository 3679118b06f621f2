// Files at scale, in constant memory: a multi-gigabyte single file PUT to an R42 URL as NDI-python
// sends it (2 GiB by default, FILES_LARGE_UPLOAD_BYTES to change it), and a bulk-upload zip of
// many small files extracted by the job (10,000 by default, FILES_ZIP_ENTRIES). Client, gateway,
// job runner and Storage share this process, so the printed peak RSS growth covers them all.
import { createHash, randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bulkUploadJobSchema, bulkUploadUrlSchema } from "../../gateway/routes/bulk-uploads/bulk-uploads.routes.ts";
import { fileDetailSchema, uploadUrlSchema } from "../../gateway/routes/files/files.routes.ts";
import { enc, startFilesWorld, type FilesWorld } from "../support/files-world.ts";
import { generatedBody, mib, putStream, sampleRss } from "../support/large-streams.ts";
import { zipArchive } from "../support/zip-archive.ts";

const LARGE_UPLOAD_BYTES = Number(process.env.FILES_LARGE_UPLOAD_BYTES ?? 2 * 1024 ** 3);
const ZIP_ENTRIES = Number(process.env.FILES_ZIP_ENTRIES ?? 10_000);
const ZIP_ENTRY_BYTES = 1024;
const MAX_RSS_GROWTH_BYTES = 150 * 1024 * 1024;
// Extracting serves three requests per file inside this process (Storage's signing and PUT, the
// test's polls), and V8 lets its heap grow lazily under that garbage: RSS rises further than for
// one long stream, while what stays reachable after a collection does not grow with the file count.
const MAX_ZIP_RSS_GROWTH_BYTES = 256 * 1024 * 1024;
const MAX_ZIP_RETAINED_BYTES = 32 * 1024 * 1024;

let world: FilesWorld;
let dataset: string;

beforeAll(async () => {
  world = await startFilesWorld();
  dataset = await world.createDataset(world.orgA, "at scale");
}, 60_000);

afterAll(async () => {
  await world?.stack.stop();
});

/** Heap in use after a full collection (gc made callable through V8's flag, as --expose-gc would). */
function collectedHeapBytes(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().heapUsed;
}

async function getJson(path: string): Promise<unknown> {
  const response = await world.api(path, { token: world.tokens.member });
  expect(response.status).toBe(200);
  return response.json();
}

it(`takes a ${mib(LARGE_UPLOAD_BYTES)} MiB file through an R42 URL in constant memory`, { timeout: 900_000 }, async () => {
  const { url } = uploadUrlSchema.parse(await getJson(`datasets/${enc(world.orgA)}/${enc(dataset)}/files/large-file`));
  const rss = sampleRss();
  const started = performance.now();
  const sentHash = createHash("md5");
  const put = await putStream(url, generatedBody(LARGE_UPLOAD_BYTES, sentHash));
  expect(put.status).toBe(200);
  const seconds = (performance.now() - started) / 1000;
  rss.stop();
  console.log(
    `R42 upload: ${mib(LARGE_UPLOAD_BYTES)} MiB in ${seconds.toFixed(1)} s; peak RSS growth ${mib(rss.peakGrowth())} MiB ` +
      `(peak RSS ${mib(rss.peak())} MiB)`,
  );

  const detail = fileDetailSchema.parse(await getJson(`datasets/${enc(dataset)}/files/large-file/detail`));
  expect(detail).toMatchObject({ size: LARGE_UPLOAD_BYTES, eTag: `"${sentHash.digest("hex")}"` });
  const head = await fetch(detail.downloadUrl, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-length")).toBe(String(LARGE_UPLOAD_BYTES));
  const tail = await fetch(detail.downloadUrl, { headers: { Range: "bytes=-16" } });
  expect(tail.status).toBe(206);
  expect((await tail.arrayBuffer()).byteLength).toBe(16);
  expect(rss.peakGrowth()).toBeLessThan(MAX_RSS_GROWTH_BYTES);
});

it(`extracts a zip of ${ZIP_ENTRIES} files in constant memory`, { timeout: 900_000 }, async () => {
  const entries = Array.from({ length: ZIP_ENTRIES }, (_, index) => ({ name: `files/file-${index}`, data: randomBytes(ZIP_ENTRY_BYTES) }));
  const zip = new Uint8Array(zipArchive(entries));
  const { url, jobId } = bulkUploadUrlSchema.parse(
    await (await world.api(`datasets/${enc(world.orgA)}/${enc(dataset)}/files/bulk`, { token: world.tokens.member, method: "POST" })).json(),
  );

  const heapBefore = collectedHeapBytes();
  const rss = sampleRss();
  const started = performance.now();
  const put = await fetch(url, { method: "PUT", body: zip, headers: { "Content-Type": "application/octet-stream" } });
  expect(put.status).toBe(200);
  let job;
  do {
    await new Promise((resolve) => setTimeout(resolve, 500));
    job = bulkUploadJobSchema.parse(await getJson(`bulk-uploads/${enc(jobId)}`));
  } while (job.state === "queued" || job.state === "extracting");
  const seconds = (performance.now() - started) / 1000;
  rss.stop();
  const retained = collectedHeapBytes() - heapBefore;
  console.log(
    `bulk upload: ${ZIP_ENTRIES} files (${mib(zip.byteLength)} MiB zip) extracted in ${seconds.toFixed(1)} s; ` +
      `peak RSS growth ${mib(rss.peakGrowth())} MiB (peak RSS ${mib(rss.peak())} MiB), heap retained after GC ${mib(retained)} MiB`,
  );

  expect(job).toMatchObject({ state: "complete", filesExtracted: ZIP_ENTRIES, totalFiles: ZIP_ENTRIES, error: null });
  const [listed] = await world.stack.sql<{ n: number }[]>`
    select count(*)::int as n from public.files where dataset_id = ${dataset} and uploaded and sha256 is not null and uid like 'file-%'`;
  expect(listed!.n).toBe(ZIP_ENTRIES);
  const last = entries.at(-1)!;
  const detail = fileDetailSchema.parse(await getJson(`datasets/${enc(dataset)}/files/${enc(`file-${ZIP_ENTRIES - 1}`)}/detail`));
  expect(Buffer.from(await (await fetch(detail.downloadUrl)).arrayBuffer())).toEqual(last.data);
  expect(rss.peakGrowth()).toBeLessThan(MAX_ZIP_RSS_GROWTH_BYTES);
  expect(retained).toBeLessThan(MAX_ZIP_RETAINED_BYTES);
});
