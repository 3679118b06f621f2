// Calls made with a user's token are decided by RLS on storage.objects, exactly as on Supabase:
// with a "users own their folder" policy a user can write, read, sign, list and delete only under
// their own folder; everyone else gets Supabase's errors and sees nothing.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStorageFixture, type StorageFixture } from "../support/storage.ts";

let fixture: StorageFixture;
const BUCKET = "homes";
const ada = randomUUID();
const bob = randomUUID();
let adaClient: SupabaseClient;
let bobClient: SupabaseClient;

beforeAll(async () => {
  fixture = await startStorageFixture();
  await fixture.service.storage.createBucket(BUCKET, { public: false });
  const ownFolder = `bucket_id = '${BUCKET}' and (storage.foldername(name))[1] = (select auth.uid()::text)`;
  for (const command of ["select", "insert", "update", "delete"]) {
    const clause = command === "insert" ? `with check (${ownFolder})` : `using (${ownFolder})`;
    await fixture.sql.unsafe(`create policy "Users ${command} in their folder" on storage.objects
      for ${command} to authenticated ${clause}`);
  }
  adaClient = fixture.clientWith(await fixture.userToken(ada));
  bobClient = fixture.clientWith(await fixture.userToken(bob));
});
afterAll(async () => {
  await fixture?.close();
});

const rlsError = { status: 400, statusCode: "403", message: "new row violates row-level security policy" };

describe("a folder-per-user policy on storage.objects", () => {
  it("lets a user upload into their folder, as the owner", async () => {
    const { error } = await adaClient.storage.from(BUCKET).upload(`${ada}/notes.txt`, "ada's notes");
    expect(error).toBeNull();
    const [row] = await fixture.sql`select owner, owner_id from storage.objects where name = ${`${ada}/notes.txt`}`;
    expect(row).toEqual({ owner: ada, owner_id: ada });
  });

  it("refuses an upload into someone else's folder with Supabase's RLS error, storing nothing", async () => {
    const { error } = await bobClient.storage.from(BUCKET).upload(`${ada}/intruder.txt`, "bob was here");
    expect(error).toMatchObject(rlsError);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(64 * 1024));
        controller.close();
      },
    });
    expect((await bobClient.storage.from(BUCKET).upload(`${ada}/streamed.bin`, stream)).error).toMatchObject(rlsError);
    expect(await fixture.sql`select name from storage.objects where name like ${`${ada}/i%`} or name like ${`${ada}/s%`}`).toEqual([]);
    expect(fixture.filesOnDisk().temp).toEqual([]);
  });

  it("hides other users' objects from download, info and signing", async () => {
    const files = bobClient.storage.from(BUCKET);
    expect((await files.download(`${ada}/notes.txt`)).error).toMatchObject({ status: 400 });
    expect((await files.info(`${ada}/notes.txt`)).error).toMatchObject({ statusCode: "404" });
    expect((await files.createSignedUrl(`${ada}/notes.txt`, 60)).error).toMatchObject({ statusCode: "404" });
    const batch = await files.createSignedUrls([`${ada}/notes.txt`], 60);
    expect(batch.data![0]).toMatchObject({ signedUrl: null });

    const own = await adaClient.storage.from(BUCKET).createSignedUrl(`${ada}/notes.txt`, 60);
    expect(await (await fetch(own.data!.signedUrl)).text()).toBe("ada's notes");
  });

  it("signs upload URLs only where the user may insert; the URL then writes as that user", async () => {
    expect((await bobClient.storage.from(BUCKET).createSignedUploadUrl(`${ada}/via-url.txt`)).error).toMatchObject(rlsError);

    const { data, error } = await adaClient.storage.from(BUCKET).createSignedUploadUrl(`${ada}/via-url.txt`);
    expect(error).toBeNull();
    const response = await fetch(data!.signedUrl, { method: "PUT", body: "uploaded without a token" });
    expect(response.status).toBe(200);
    const [row] = await fixture.sql`select owner_id from storage.objects where name = ${`${ada}/via-url.txt`}`;
    expect(row).toEqual({ owner_id: ada });
  });

  it("needs insert, select and update permission to upsert", async () => {
    await fixture.service.storage.from(BUCKET).upload(`${bob}/shared.txt`, "service wrote this");
    const overwrite = await adaClient.storage.from(BUCKET).upload(`${bob}/shared.txt`, "ada overwrote", { upsert: true });
    expect(overwrite.error).toMatchObject({ statusCode: "403" });
    const { data } = await fixture.service.storage.from(BUCKET).download(`${bob}/shared.txt`);
    expect(await data!.text()).toBe("service wrote this");
    expect((await bobClient.storage.from(BUCKET).upload(`${bob}/shared.txt`, "bob's now", { upsert: true })).error).toBeNull();
  });

  it("lists only what the user may see", async () => {
    const { data } = await bobClient.storage.from(BUCKET).list("");
    expect(data!.map((entry) => entry.name)).toEqual([bob]);
    expect((await bobClient.storage.from(BUCKET).list(ada)).data).toEqual([]);
  });

  it("moves and copies only within what the policies allow", async () => {
    const bobFiles = bobClient.storage.from(BUCKET);
    expect((await bobFiles.move(`${ada}/notes.txt`, `${bob}/stolen.txt`)).error).toMatchObject({ statusCode: "404" });
    expect((await bobFiles.copy(`${ada}/notes.txt`, `${bob}/stolen.txt`)).error).toMatchObject({ statusCode: "404" });
    expect((await bobFiles.copy(`${bob}/shared.txt`, `${ada}/gift.txt`)).error).toMatchObject(rlsError);
    const moveOut = await adaClient.storage.from(BUCKET).move(`${ada}/via-url.txt`, `${bob}/pushed.txt`);
    expect(moveOut.error).toMatchObject({ statusCode: "403" });
    expect((await adaClient.storage.from(BUCKET).move(`${ada}/via-url.txt`, `${ada}/renamed.txt`)).error).toBeNull();
  });

  it("deletes only the user's own objects", async () => {
    const refused = await bobClient.storage.from(BUCKET).remove([`${ada}/notes.txt`]);
    expect(refused).toEqual({ data: [], error: null });
    const { data } = await adaClient.storage.from(BUCKET).remove([`${ada}/notes.txt`]);
    expect(data!.map((row) => row.name)).toEqual([`${ada}/notes.txt`]);
  });

  it("gives the anon key no access without a policy for anon", async () => {
    const anon = fixture.clientWith(fixture.keys.anonKey);
    expect((await anon.storage.from(BUCKET).upload("anon.txt", "x")).error).toMatchObject(rlsError);
    expect((await anon.storage.from(BUCKET).list("")).data).toEqual([]);
  });
});

describe("buckets under RLS", () => {
  it("lets a user without a bucket policy neither create nor see buckets", async () => {
    expect((await adaClient.storage.createBucket("ada-bucket")).error).toMatchObject(rlsError);
    expect((await adaClient.storage.listBuckets()).data).toEqual([]);
    expect((await adaClient.storage.getBucket(BUCKET)).error).toMatchObject({ statusCode: "404" });
  });

  it("still lets users upload to a bucket they cannot see, as on Supabase", async () => {
    expect((await adaClient.storage.from(BUCKET).upload(`${ada}/again.txt`, "x")).error).toBeNull();
  });
});
