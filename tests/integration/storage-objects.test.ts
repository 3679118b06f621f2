// Objects through the embedded Storage server with unmodified supabase-js and plain fetch:
// uploads of every body kind, downloads with Supabase's headers, ranges and caching, info, list,
// move, copy, remove, upsert rules, limits and name checks.
import { createHash } from "node:crypto";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStorageFixture, type StorageFixture } from "../support/storage.ts";

let fixture: StorageFixture;
const BUCKET = "objects";

beforeAll(async () => {
  fixture = await startStorageFixture({ fileSizeLimit: 1024 * 1024 });
  const { error } = await fixture.service.storage.createBucket(BUCKET, { public: false });
  expect(error).toBeNull();
});
afterAll(async () => {
  await fixture?.close();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const md5 = (data: Uint8Array | string) => createHash("md5").update(data).digest("hex");

async function downloadText(path: string): Promise<string> {
  const { data, error } = await fixture.service.storage.from(BUCKET).download(path);
  expect(error).toBeNull();
  return data!.text();
}

/** A request whose path goes on the wire exactly as written. */
function rawRequest(method: string, path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      fixture.url,
      { method, path, headers: { authorization: `Bearer ${fixture.keys.serviceRoleKey}`, "content-type": "text/plain" } },
      (response) => {
        let text = "";
        response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode!, body: text }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

function authenticatedGet(path: string, headers: Record<string, string> = {}, method = "GET") {
  return fetch(`${fixture.storageUrl}/object/${BUCKET}/${path}`, {
    method,
    headers: { authorization: `Bearer ${fixture.keys.serviceRoleKey}`, ...headers },
  });
}

describe("uploads", () => {
  it("stores a Blob sent as multipart and returns Supabase's {id, path, fullPath}", async () => {
    const blob = new Blob(["hello multipart"], { type: "text/markdown" });
    const { data, error } = await fixture.service.storage
      .from(BUCKET)
      .upload("upload/blob.md", blob, { cacheControl: "60", metadata: { dataset: "d1" } });
    expect(error).toBeNull();
    expect(data).toEqual({ id: expect.any(String), path: "upload/blob.md", fullPath: `${BUCKET}/upload/blob.md` });
    expect(await downloadText("upload/blob.md")).toBe("hello multipart");

    const info = await fixture.service.storage.from(BUCKET).info("upload/blob.md");
    expect(info.error).toBeNull();
    expect(info.data).toMatchObject({
      id: data!.id,
      name: "upload/blob.md",
      bucketId: BUCKET,
      size: 15,
      contentType: "text/markdown",
      cacheControl: "max-age=60",
      etag: `"${md5("hello multipart")}"`,
      metadata: { dataset: "d1" },
    });
  });

  it("stores a raw ArrayBuffer body with its content type and x-metadata", async () => {
    const { error } = await fixture.service.storage
      .from(BUCKET)
      .upload("upload/raw.bin", bytes("raw bytes").buffer, { contentType: "application/x-ndi", metadata: { k: 1 } });
    expect(error).toBeNull();
    const [row] = await fixture.sql`select metadata, user_metadata, owner, owner_id, version from storage.objects
      where bucket_id = ${BUCKET} and name = 'upload/raw.bin'`;
    expect(row!.metadata).toMatchObject({
      eTag: `"${md5("raw bytes")}"`,
      size: 9,
      contentLength: 9,
      mimetype: "application/x-ndi",
      cacheControl: "max-age=3600",
      httpStatusCode: 200,
      lastModified: expect.any(String),
    });
    expect(row!.user_metadata).toEqual({ k: 1 });
    // The service_role key has no subject, so the object has no owner.
    expect(row!.owner_id).toBeNull();
    expect(row!.version).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("stores a streamed body (ReadableStream, chunked)", async () => {
    const parts = ["streamed ", "in ", "three parts"];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(bytes(next));
      },
    });
    const { error } = await fixture.service.storage.from(BUCKET).upload("upload/stream.txt", stream);
    expect(error).toBeNull();
    expect(await downloadText("upload/stream.txt")).toBe("streamed in three parts");
  });

  it("refuses to overwrite without upsert (409 in the body), replaces with upsert and update", async () => {
    const files = fixture.service.storage.from(BUCKET);
    await files.upload("upload/twice.txt", "first");
    const duplicate = await files.upload("upload/twice.txt", "second");
    expect(duplicate.error).toMatchObject({ status: 400, statusCode: "409", message: "The resource already exists" });
    expect(await downloadText("upload/twice.txt")).toBe("first");

    const objectsBefore = fixture.filesOnDisk().objects.length;
    expect((await files.upload("upload/twice.txt", "third", { upsert: true })).error).toBeNull();
    expect(await downloadText("upload/twice.txt")).toBe("third");
    expect((await files.update("upload/twice.txt", "fourth")).error).toBeNull();
    expect(await downloadText("upload/twice.txt")).toBe("fourth");
    // Replaced versions leave no bytes behind.
    expect(fixture.filesOnDisk().objects.length).toBe(objectsBefore);
  });

  it("stores an empty object", async () => {
    expect((await fixture.service.storage.from(BUCKET).upload("upload/empty", new Uint8Array(0))).error).toBeNull();
    const response = await authenticatedGet("upload/empty");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("0");
    expect(await response.text()).toBe("");
  });

  it("rejects uploads without a valid token", async () => {
    const anonymous = await fetch(`${fixture.storageUrl}/object/${BUCKET}/upload/anon.txt`, { method: "POST", body: "x" });
    expect(anonymous.status).toBe(400);
    expect(await anonymous.json()).toMatchObject({ statusCode: "403", code: "AccessDenied" });
    const forged = await fixture.clientWith("not-a-jwt").storage.from(BUCKET).upload("upload/forged.txt", "x");
    expect(forged.error).toMatchObject({ status: 400, statusCode: "403" });
  });
});

describe("downloads", () => {
  const content = "0123456789abcdefghij";
  beforeAll(async () => {
    await fixture.service.storage.from(BUCKET).upload("download/file.txt", content, { contentType: "text/plain" });
  });

  it("sends Supabase's headers with the exact bytes", async () => {
    const response = await authenticatedGet("download/file.txt");
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "accept-ranges": "bytes",
      "content-type": "text/plain",
      "content-length": "20",
      etag: `"${md5(content)}"`,
      "cache-control": "max-age=3600",
      "last-modified": expect.stringMatching(/GMT$/),
    });
    expect(await response.text()).toBe(content);
  });

  it("answers HEAD with the headers and no body, on both authenticated paths", async () => {
    for (const path of [`object/${BUCKET}`, `object/authenticated/${BUCKET}`]) {
      const response = await fetch(`${fixture.storageUrl}/${path}/download/file.txt`, {
        method: "HEAD",
        headers: { authorization: `Bearer ${fixture.keys.serviceRoleKey}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-length")).toBe("20");
      expect(await response.text()).toBe("");
    }
  });

  it("serves ranges (206 + Content-Range) and refuses unsatisfiable ones (416)", async () => {
    const middle = await authenticatedGet("download/file.txt", { range: "bytes=2-5" });
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe("bytes 2-5/20");
    expect(middle.headers.get("content-length")).toBe("4");
    expect(await middle.text()).toBe("2345");

    const suffix = await authenticatedGet("download/file.txt", { range: "bytes=-3" });
    expect(await suffix.text()).toBe("hij");
    const open = await authenticatedGet("download/file.txt", { range: "bytes=18-" });
    expect(await open.text()).toBe("ij");

    const beyond = await authenticatedGet("download/file.txt", { range: "bytes=20-30" });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */20");
    expect(await beyond.json()).toMatchObject({ code: "InvalidRange" });
  });

  it("answers a matching If-None-Match with 304", async () => {
    const response = await authenticatedGet("download/file.txt", { "if-none-match": `"${md5(content)}"` });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    const listed = await authenticatedGet("download/file.txt", { "if-none-match": `"other", W/"${md5(content)}"` });
    expect(listed.status).toBe(304);
    const stale = await authenticatedGet("download/file.txt", { "if-none-match": `"other"` });
    expect(stale.status).toBe(200);
  });

  it("treats a row written outside the API (no version, no bytes) as missing bytes", async () => {
    await fixture.sql`insert into storage.objects (bucket_id, name) values (${BUCKET}, 'download/row-only.txt')`;
    const response = await authenticatedGet("download/row-only.txt");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: "404", code: "NoSuchKey" });
    expect((await fixture.service.storage.from(BUCKET).info("download/row-only.txt")).data).toMatchObject({ size: null });
    expect((await fixture.service.storage.from(BUCKET).remove(["download/row-only.txt"])).data).toHaveLength(1);
  });

  it("adds Content-Disposition for ?download", async () => {
    const named = await fetch(`${fixture.storageUrl}/object/${BUCKET}/download/file.txt?download=my%20file.txt`, {
      headers: { authorization: `Bearer ${fixture.keys.serviceRoleKey}` },
    });
    expect(named.headers.get("content-disposition")).toBe("attachment; filename=my%20file.txt; filename*=UTF-8''my%20file.txt");
    const bare = await fetch(`${fixture.storageUrl}/object/${BUCKET}/download/file.txt?download`, {
      headers: { authorization: `Bearer ${fixture.keys.serviceRoleKey}` },
    });
    expect(bare.headers.get("content-disposition")).toBe("attachment;");
  });

  it("reports a missing object as Supabase does (HTTP 400, statusCode 404, NoSuchKey)", async () => {
    const { error } = await fixture.service.storage.from(BUCKET).download("download/missing.txt");
    expect(error).toMatchObject({ status: 400 });
    const response = await authenticatedGet("download/missing.txt");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ statusCode: "404", code: "NoSuchKey", error: "not_found", message: "Object not found" });
    expect(await fixture.service.storage.from(BUCKET).exists("download/missing.txt")).toMatchObject({ data: false });
    expect(await fixture.service.storage.from(BUCKET).exists("download/file.txt")).toMatchObject({ data: true });
  });

  it("serves public buckets without credentials, and only those", async () => {
    await fixture.service.storage.createBucket("public-files", { public: true });
    await fixture.service.storage.from("public-files").upload("hello.txt", "public bytes");
    const { data } = fixture.service.storage.from("public-files").getPublicUrl("hello.txt");
    const response = await fetch(data.publicUrl);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("public bytes");
    const anonymousRead = await fetch(`${fixture.storageUrl}/object/public-files/hello.txt`);
    expect(await anonymousRead.text()).toBe("public bytes");

    const privateUrl = fixture.service.storage.from(BUCKET).getPublicUrl("download/file.txt").data.publicUrl;
    const refused = await fetch(privateUrl);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ statusCode: "404", code: "NoSuchBucket" });
  });
});

describe("list, move, copy, remove", () => {
  const files = () => fixture.service.storage.from(BUCKET);
  beforeAll(async () => {
    for (const name of ["tree/b.txt", "tree/a.txt", "tree/sub/c.txt", "tree/sub/deeper/d.txt", "tree/Alpha.txt"]) {
      const { error } = await files().upload(name, `content of ${name}`);
      expect(error).toBeNull();
    }
  });

  it("lists one folder level with folders as id:null entries, names relative to the prefix", async () => {
    const { data, error } = await files().list("tree");
    expect(error).toBeNull();
    expect(data!.map((entry) => [entry.name, entry.id === null])).toEqual([
      ["a.txt", false],
      ["Alpha.txt", false],
      ["b.txt", false],
      ["sub", true],
    ]);
    const file = data!.find((entry) => entry.name === "a.txt")!;
    expect(file.metadata).toMatchObject({ size: "content of tree/a.txt".length, mimetype: "text/plain;charset=UTF-8" });
    const folder = data!.find((entry) => entry.name === "sub")!;
    expect(folder).toMatchObject({ metadata: null, updated_at: null });

    expect((await files().list("tree/sub/")).data!.map((entry) => entry.name)).toEqual(["c.txt", "deeper"]);
    expect((await files().list("")).data!.map((entry) => entry.name)).toContain("tree");
  });

  it("pages, searches and sorts", async () => {
    const page = await files().list("tree", { limit: 2, offset: 1 });
    expect(page.data!.map((entry) => entry.name)).toEqual(["Alpha.txt", "b.txt"]);
    const search = await files().list("tree", { search: "a" });
    expect(search.data!.map((entry) => entry.name)).toEqual(["a.txt", "Alpha.txt"]);
    const descending = await files().list("tree", { sortBy: { column: "name", order: "desc" } });
    expect(descending.data!.map((entry) => entry.name)).toEqual(["sub", "b.txt", "Alpha.txt", "a.txt"]);
    const byTime = await files().list("tree", { sortBy: { column: "created_at", order: "asc" } });
    expect(byTime.data!.map((entry) => entry.name)).toEqual(["sub", "b.txt", "a.txt", "Alpha.txt"]);
  });

  it("moves an object by renaming its row; the bytes stay where they are", async () => {
    await files().upload("move/source.txt", "moving bytes");
    const disk = fixture.filesOnDisk().objects;
    const { data, error } = await files().move("move/source.txt", "move/target.txt");
    expect(error).toBeNull();
    expect(data).toMatchObject({ message: "Successfully moved", Key: "move/target.txt" });
    expect(await downloadText("move/target.txt")).toBe("moving bytes");
    expect((await files().download("move/source.txt")).error).not.toBeNull();
    expect(fixture.filesOnDisk().objects).toEqual(disk);

    await fixture.service.storage.createBucket("other-bucket");
    const across = await files().move("move/target.txt", "elsewhere.txt", { destinationBucket: "other-bucket" });
    expect(across.error).toBeNull();
    const { data: moved } = await fixture.service.storage.from("other-bucket").download("elsewhere.txt");
    expect(await moved!.text()).toBe("moving bytes");
  });

  it("refuses to move onto an existing object", async () => {
    await files().upload("move/x.txt", "x");
    await files().upload("move/y.txt", "y");
    const { error } = await files().move("move/x.txt", "move/y.txt");
    expect(error).toMatchObject({ statusCode: "409" });
    expect(await downloadText("move/y.txt")).toBe("y");
  });

  it("copies an object; the copy outlives the original", async () => {
    await files().upload("copy/original.txt", "copied bytes", { metadata: { origin: "test" } });
    const { data, error } = await files().copy("copy/original.txt", "copy/duplicate.txt");
    expect(error).toBeNull();
    expect(data).toEqual({ path: `${BUCKET}/copy/duplicate.txt` });
    expect((await files().remove(["copy/original.txt"])).error).toBeNull();
    expect(await downloadText("copy/duplicate.txt")).toBe("copied bytes");
    expect((await files().info("copy/duplicate.txt")).data).toMatchObject({ metadata: { origin: "test" } });
    const again = await files().copy("copy/duplicate.txt", "copy/duplicate.txt");
    expect(again.error).toMatchObject({ statusCode: "409" });
  });

  it("removes listed objects, returns the removed rows and deletes their bytes", async () => {
    await files().upload("remove/one.txt", "1");
    await files().upload("remove/two.txt", "2");
    const before = fixture.filesOnDisk().objects.length;
    const { data, error } = await files().remove(["remove/one.txt", "remove/two.txt", "remove/missing.txt"]);
    expect(error).toBeNull();
    expect(data!.map((row) => row.name).sort()).toEqual(["remove/one.txt", "remove/two.txt"]);
    expect(fixture.filesOnDisk().objects.length).toBe(before - 2);
    expect((await files().list("remove")).data).toEqual([]);
  });
});

describe("limits and names", () => {
  it("enforces the bucket file size limit while streaming, leaving no object and no temp file", async () => {
    await fixture.service.storage.createBucket("small", { public: false, fileSizeLimit: 1024 });
    const small = fixture.service.storage.from("small");
    const known = await small.upload("big.bin", new Uint8Array(2048));
    expect(known.error).toMatchObject({ status: 400, statusCode: "413", message: "The object exceeded the maximum allowed size" });

    let sent = 0;
    const unknownLength = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 8) return controller.close();
        sent += 1;
        controller.enqueue(new Uint8Array(512));
      },
    });
    const streamed = await small.upload("streamed.bin", unknownLength);
    expect(streamed.error).toMatchObject({ statusCode: "413" });

    const multipart = await small.upload("form.bin", new Blob([new Uint8Array(4096)]));
    expect(multipart.error).toMatchObject({ statusCode: "413" });

    expect(await fixture.sql`select name from storage.objects where bucket_id = 'small'`).toEqual([]);
    expect(fixture.filesOnDisk().temp).toEqual([]);
    expect((await small.upload("fits.bin", new Uint8Array(1024))).error).toBeNull();
  });

  it("enforces the global limit when the bucket has none", async () => {
    const { error } = await fixture.service.storage.from(BUCKET).upload("too-big.bin", new Uint8Array(1024 * 1024 + 1));
    expect(error).toMatchObject({ statusCode: "413" });
  });

  it("enforces allowed_mime_types, with wildcards", async () => {
    await fixture.service.storage.createBucket("images", { public: false, allowedMimeTypes: ["image/*", "application/pdf"] });
    const images = fixture.service.storage.from("images");
    const text = await images.upload("note.txt", "text", { contentType: "text/plain" });
    expect(text.error).toMatchObject({ statusCode: "415", message: "mime type text/plain is not supported" });
    expect((await images.upload("pic.png", new Uint8Array([137, 80]), { contentType: "image/png" })).error).toBeNull();
    expect((await images.upload("doc.pdf", new Blob(["%PDF"], { type: "application/pdf" }))).error).toBeNull();
  });

  it("rejects names with empty, . or .. segments, or characters Supabase does not allow", async () => {
    // Raw HTTP, because storage-js collapses "//". (Dot segments in a URL path are resolved by URL
    // parsing before routing, so in paths they can only name another object, never escape.)
    for (const name of ["a//b.txt", "/leading.txt", "trailing/", "nul%00.txt", "tab%09.txt", "percent%zz"]) {
      const response = await rawRequest("POST", `/storage/v1/object/${BUCKET}/${name}`, "x");
      expect(response.status, name).toBe(400);
      expect(JSON.parse(response.body), name).toMatchObject({ statusCode: "400", code: "InvalidKey" });
    }
    // Names in JSON bodies are not URL-resolved: there ".." arrives as is.
    await fixture.service.storage.from(BUCKET).upload("names/source.txt", "x");
    for (const destination of ["names/../escape.txt", "names/./dot.txt", "names//empty.txt"]) {
      const moved = await fixture.service.storage.from(BUCKET).move("names/source.txt", destination);
      expect(moved.error, destination).toMatchObject({ statusCode: "400", message: `Invalid key: ${destination}` });
    }
    expect(await fixture.sql`select name from storage.objects where name like '%escape%' or name like '%leading%'`).toEqual([]);
  });

  it("accepts percent-encoded names and stores them decoded", async () => {
    const response = await fetch(`${fixture.storageUrl}/object/${BUCKET}/encoded/with%20space%2Bplus.txt`, {
      method: "POST",
      headers: { authorization: `Bearer ${fixture.keys.serviceRoleKey}`, "content-type": "text/plain" },
      body: "decoded",
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ Key: `${BUCKET}/encoded/with space+plus.txt` });
    expect(await downloadText("encoded/with space+plus.txt")).toBe("decoded");
  });
});
