// The streaming multipart reader behind Storage uploads: fields before the file, the file part as
// a stream, whatever the network chunking, and a refusal of bodies that end too early.
import { describe, expect, it } from "vitest";
import { StorageError } from "../../embedded/storage/errors.ts";
import { multipartBoundary, readMultipartUpload } from "../../embedded/storage/multipart.ts";

const BOUNDARY = "----formdata-test-0123456789";

function formBody(fileBytes: Uint8Array, fields: Record<string, string> = { cacheControl: "3600" }): Uint8Array {
  const encoder = new TextEncoder();
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  const head = encoder.encode(
    parts.join("") +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name=""; filename="blob"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${BOUNDARY}--\r\n`);
  return new Uint8Array([...head, ...fileBytes, ...tail]);
}

async function* inChunks(body: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for (let index = 0; offset < body.length; index++) {
    const size = sizes[index % sizes.length]!;
    yield body.subarray(offset, offset + size);
    offset += size;
  }
}

async function collect(content: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of content) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

describe("readMultipartUpload", () => {
  // Bytes that look like the start of a boundary inside the file must not end it.
  const fileBytes = new TextEncoder().encode(`binary\r\n--${BOUNDARY.slice(0, 10)}\r\n-- not the end \r\n`);

  it("reads the fields and streams the file part, however the body is chunked", async () => {
    const body = formBody(fileBytes, { cacheControl: "60", metadata: '{"a":1}' });
    for (const sizes of [[body.length], [1], [2, 3], [7], [BOUNDARY.length], [BOUNDARY.length + 3, 1]]) {
      const upload = await readMultipartUpload(inChunks(body, sizes), BOUNDARY);
      expect(Object.fromEntries(upload.fields), String(sizes)).toEqual({ cacheControl: "60", metadata: '{"a":1}' });
      expect(upload.fileContentType).toBe("image/png");
      expect(await collect(upload.content), String(sizes)).toEqual(fileBytes);
    }
  });

  it("streams an empty file", async () => {
    const upload = await readMultipartUpload(inChunks(formBody(new Uint8Array(0)), [5]), BOUNDARY);
    expect(await collect(upload.content)).toEqual(new Uint8Array(0));
  });

  it("fails a file part whose body ends before its closing boundary", async () => {
    const body = formBody(fileBytes);
    const truncated = body.subarray(0, body.length - BOUNDARY.length - 8);
    const upload = await readMultipartUpload(inChunks(truncated, [16]), BOUNDARY);
    await expect(collect(upload.content)).rejects.toThrow(StorageError);
  });

  it("refuses a form without a file", async () => {
    const body = new TextEncoder().encode(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="cacheControl"\r\n\r\n3600\r\n--${BOUNDARY}--\r\n`,
    );
    await expect(readMultipartUpload(inChunks(body, [9]), BOUNDARY)).rejects.toThrow("No file provided");
  });

  it("refuses oversized part headers instead of buffering them", async () => {
    const body = new TextEncoder().encode(`--${BOUNDARY}\r\nX-Padding: ${"x".repeat(20_000)}`);
    await expect(readMultipartUpload(inChunks(body, [1024]), BOUNDARY)).rejects.toThrow("Multipart part too large");
  });
});

describe("multipartBoundary", () => {
  it("reads quoted and bare boundaries", () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
    expect(multipartBoundary('multipart/form-data; boundary="a b"; charset=utf-8')).toBe("a b");
    expect(() => multipartBoundary("multipart/form-data")).toThrow(StorageError);
  });
});
