// A multi-gigabyte object (2 GiB by default, STORAGE_LARGE_OBJECT_BYTES to change it) goes up to a
// signed upload URL as a generated stream and comes back through a signed download URL, compared
// by streaming hashes, while the process's resident memory stays flat: both directions stream in
// constant memory. Client and server share this process, so the RSS covers both.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { generatedBody, mib, putStream, sampleRss } from "../support/large-streams.ts";
import { startStorageFixture, type StorageFixture } from "../support/storage.ts";

const TOTAL_BYTES = Number(process.env.STORAGE_LARGE_OBJECT_BYTES ?? 2 * 1024 ** 3);
const MAX_RSS_GROWTH_BYTES = 100 * 1024 * 1024;
const BUCKET = "large";

let fixture: StorageFixture;

beforeAll(async () => {
  fixture = await startStorageFixture();
  await fixture.service.storage.createBucket(BUCKET);
});
afterAll(async () => {
  await fixture?.close();
});

it(`streams a ${mib(TOTAL_BYTES)} MiB object up a signed URL and back in constant memory`, { timeout: 600_000 }, async () => {
  const files = fixture.service.storage.from(BUCKET);
  const upload = await files.createSignedUploadUrl("big/data.bin");
  expect(upload.error).toBeNull();

  const rss = sampleRss();
  const started = performance.now();
  const sentHash = createHash("md5");
  const put = await putStream(upload.data!.signedUrl, generatedBody(TOTAL_BYTES, sentHash));
  expect(put.status).toBe(200);
  const uploadSeconds = (performance.now() - started) / 1000;
  const sentMd5 = sentHash.digest("hex");

  const { data: info } = await files.info("big/data.bin");
  expect(info).toMatchObject({ size: TOTAL_BYTES, etag: `"${sentMd5}"` });

  const { data: signed } = await files.createSignedUrl("big/data.bin", 600);
  const downloadStarted = performance.now();
  const get = await fetch(signed!.signedUrl, { headers: { "Accept-Encoding": "identity" } });
  expect(get.status).toBe(200);
  expect(get.headers.get("content-length")).toBe(String(TOTAL_BYTES));
  const receivedHash = createHash("md5");
  let received = 0;
  for await (const chunk of get.body!) {
    receivedHash.update(chunk);
    received += chunk.byteLength;
  }
  const downloadSeconds = (performance.now() - downloadStarted) / 1000;
  rss.stop();

  console.log(
    `large object: ${mib(TOTAL_BYTES)} MiB up in ${uploadSeconds.toFixed(1)} s, down in ${downloadSeconds.toFixed(1)} s; ` +
      `peak RSS growth ${mib(rss.peakGrowth())} MiB`,
  );
  expect(received).toBe(TOTAL_BYTES);
  expect(receivedHash.digest("hex")).toBe(sentMd5);
  expect(rss.peakGrowth()).toBeLessThan(MAX_RSS_GROWTH_BYTES);
  expect(fixture.filesOnDisk().temp).toEqual([]);
});
