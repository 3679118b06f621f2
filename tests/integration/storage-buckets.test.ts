// The bucket API through supabase-js with the service_role key: create, get, list, update, empty,
// delete, and Supabase's error bodies for duplicates, bad names and non-empty buckets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStorageFixture, type StorageFixture } from "../support/storage.ts";

let fixture: StorageFixture;
const storage = () => fixture.service.storage;

beforeAll(async () => {
  fixture = await startStorageFixture();
});
afterAll(async () => {
  await fixture?.close();
});

describe("buckets", () => {
  it("creates a bucket and reads it back", async () => {
    const { data, error } = await storage().createBucket("datasets", {
      public: false,
      fileSizeLimit: "20MB",
      allowedMimeTypes: ["application/octet-stream", "image/*"],
    });
    expect(error).toBeNull();
    expect(data).toEqual({ name: "datasets" });
    const bucket = await storage().getBucket("datasets");
    expect(bucket.data).toMatchObject({
      id: "datasets",
      name: "datasets",
      public: false,
      type: "STANDARD",
      file_size_limit: 20_000_000,
      allowed_mime_types: ["application/octet-stream", "image/*"],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("reports a duplicate as Supabase does", async () => {
    await storage().createBucket("twice");
    const { error } = await storage().createBucket("twice");
    expect(error).toMatchObject({ status: 400, statusCode: "409", message: "The resource already exists" });
  });

  it("rejects invalid bucket names and settings", async () => {
    for (const name of ["with/slash", " padded", "é"]) {
      expect((await storage().createBucket(name)).error, name).toMatchObject({ statusCode: "400", message: "Bucket name invalid" });
    }
    expect((await storage().createBucket("bad-limit", { public: false, fileSizeLimit: "lots" })).error).toMatchObject({
      statusCode: "400",
    });
  });

  it("lists buckets with Supabase's options", async () => {
    await storage().createBucket("list-a");
    await storage().createBucket("list-b", { public: true });
    const all = await storage().listBuckets();
    expect(all.data!.map((bucket) => bucket.id)).toEqual(expect.arrayContaining(["list-a", "list-b"]));
    const searched = await storage().listBuckets({ search: "list-", sortColumn: "name", sortOrder: "desc" });
    expect(searched.data!.map((bucket) => bucket.id)).toEqual(["list-b", "list-a"]);
    const paged = await storage().listBuckets({ search: "list-", limit: 1, offset: 1, sortColumn: "name" });
    expect(paged.data!.map((bucket) => bucket.id)).toEqual(["list-b"]);
  });

  it("updates only the given settings; null clears a limit", async () => {
    await storage().createBucket("settings", { public: false, fileSizeLimit: 1000, allowedMimeTypes: ["text/plain"] });
    const { data, error } = await storage().updateBucket("settings", { public: true });
    expect(error).toBeNull();
    expect(data).toEqual({ message: "Successfully updated" });
    expect((await storage().getBucket("settings")).data).toMatchObject({
      public: true,
      file_size_limit: 1000,
      allowed_mime_types: ["text/plain"],
    });
    await storage().updateBucket("settings", { public: true, fileSizeLimit: null, allowedMimeTypes: null });
    expect((await storage().getBucket("settings")).data).toMatchObject({ file_size_limit: null, allowed_mime_types: null });
    expect((await storage().updateBucket("missing", { public: true })).error).toMatchObject({ statusCode: "404" });
  });

  it("empties and deletes buckets, removing the bytes; a non-empty bucket cannot be deleted", async () => {
    await storage().createBucket("doomed");
    await storage().from("doomed").upload("a.txt", "a");
    await storage().from("doomed").upload("dir/b.txt", "b");
    const before = fixture.filesOnDisk().objects.length;

    expect((await storage().deleteBucket("doomed")).error).toMatchObject({ statusCode: "409" });
    expect((await storage().emptyBucket("doomed")).error).toBeNull();
    expect(fixture.filesOnDisk().objects.length).toBe(before - 2);
    expect((await storage().from("doomed").list("")).data).toEqual([]);

    expect((await storage().deleteBucket("doomed")).data).toEqual({ message: "Successfully deleted" });
    const missing = await storage().getBucket("doomed");
    expect(missing.error).toMatchObject({ status: 400, statusCode: "404", message: "Bucket not found" });
    expect((await storage().deleteBucket("doomed")).error).toMatchObject({ statusCode: "404" });
  });

  it("refuses the bucket API without a valid token", async () => {
    const response = await fetch(`${fixture.storageUrl}/bucket`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: "403", code: "AccessDenied", error: "Unauthorized" });
  });
});
