// An upload whose client goes away mid-body leaves nothing: no object row, no object file, no
// temp file, and an object it was overwriting keeps its old bytes.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startStorageFixture, type StorageFixture } from "../support/storage.ts";

let fixture: StorageFixture;
const BUCKET = "aborts";
const MiB = 1024 * 1024;

beforeAll(async () => {
  fixture = await startStorageFixture();
  await fixture.service.storage.createBucket(BUCKET);
});
afterAll(async () => {
  await fixture?.close();
});

/**
 * Sends the start of a body, waits until the server is writing it to a temp file, then destroys
 * the connection, and waits until the server has cleaned up.
 */
async function abortMidUpload(url: string, headers: Record<string, string | number>, firstBytes: Uint8Array): Promise<void> {
  const request = http.request(url, { method: "PUT", headers });
  const failed = new Promise<void>((resolve) => request.on("error", () => resolve()));
  request.on("response", (response) => response.resume());
  request.write(firstBytes);
  await eventually(() => expect(fixture.filesOnDisk().temp).toHaveLength(1));
  request.destroy();
  await failed;
  await eventually(() => expect(fixture.filesOnDisk().temp).toEqual([]));
}

async function signedUploadUrl(path: string, upsert = false): Promise<string> {
  const { data, error } = await fixture.service.storage.from(BUCKET).createSignedUploadUrl(path, { upsert });
  expect(error).toBeNull();
  return data!.signedUrl;
}

async function objectNamed(name: string) {
  return fixture.sql`select version from storage.objects where bucket_id = ${BUCKET} and name = ${name}`;
}

describe("an aborted upload", () => {
  it("with a Content-Length leaves no row, no file and no temp file", async () => {
    const objectsBefore = fixture.filesOnDisk().objects;
    await abortMidUpload(
      await signedUploadUrl("sized.bin"),
      { "Content-Type": "application/octet-stream", "Content-Length": 8 * MiB },
      new Uint8Array(MiB),
    );
    expect(await objectNamed("sized.bin")).toEqual([]);
    expect(fixture.filesOnDisk().objects).toEqual(objectsBefore);
  });

  it("sent chunked leaves nothing either", async () => {
    await abortMidUpload(
      await signedUploadUrl("chunked.bin"),
      { "Content-Type": "application/octet-stream", "Transfer-Encoding": "chunked" },
      new Uint8Array(MiB),
    );
    expect(await objectNamed("chunked.bin")).toEqual([]);
  });

  it("cut off inside a multipart file part leaves nothing either", async () => {
    const boundary = "----ndi-test-boundary";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="cacheControl"\r\n\r\n3600\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name=""; filename="blob"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    const firstBytes = new Uint8Array([...new TextEncoder().encode(head), ...new Uint8Array(MiB)]);
    await abortMidUpload(
      await signedUploadUrl("form.bin"),
      { "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": 4 * MiB },
      firstBytes,
    );
    expect(await objectNamed("form.bin")).toEqual([]);
  });

  it("that was overwriting an object leaves the old bytes in place", async () => {
    const files = fixture.service.storage.from(BUCKET);
    await files.upload("keep.txt", "original bytes");
    const [before] = await objectNamed("keep.txt");
    const objectsBefore = fixture.filesOnDisk().objects;

    await abortMidUpload(
      await signedUploadUrl("keep.txt", true),
      { "Content-Type": "application/octet-stream", "Content-Length": 8 * MiB },
      new Uint8Array(MiB),
    );
    expect(await objectNamed("keep.txt")).toEqual([before]);
    expect(fixture.filesOnDisk().objects).toEqual(objectsBefore);
    expect(await (await files.download("keep.txt")).data!.text()).toBe("original bytes");
  });
});
