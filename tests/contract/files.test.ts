// Files (contract R42, R44, 7.3, 8): upload URL, the PUT as the Python client sends it (raw bytes,
// application/octet-stream, no Authorization), registration in `files` only once the bytes have
// landed, and the download URL's GET, HEAD and Range answers — all over HTTP with plain fetch.
import http from "node:http";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileDetailSchema, uploadUrlSchema } from "../../gateway/routes/files/files.routes.ts";
import { enc, NO_SUCH_DATASET, startFilesWorld, type FilesWorld } from "../support/files-world.ts";

let world: FilesWorld;
let stack: FilesWorld["stack"];
let orgA: string;
let tokens: FilesWorld["tokens"];
let draft: string;
let published: string;
let foreign: string;

beforeAll(async () => {
  world = await startFilesWorld();
  ({ stack, orgA, tokens } = world);
  draft = await createDataset(orgA, "draft");
  published = await createDataset(orgA, "published");
  foreign = await createDataset(world.orgB, "foreign");
  await uploadFile(published, "published-file", bytes("public bytes"));
  await stack.sql`update public.datasets set is_published = true where id = ${published}`;
}, 60_000);

afterAll(async () => {
  await world?.stack.stop();
});

const createDataset = (organizationId: string, name: string) => world.createDataset(organizationId, name);
const api = (path: string, options?: { token?: string; method?: string }) => world.api(path, options);
const bytes = (text: string) => new TextEncoder().encode(text);

function uploadUrlPath(datasetId: string, uid: string, organizationId = orgA) {
  return `datasets/${enc(organizationId)}/${enc(datasetId)}/files/${enc(uid)}`;
}

function detailPath(datasetId: string, uid: string) {
  return `datasets/${enc(datasetId)}/files/${enc(uid)}/detail`;
}

async function uploadUrl(datasetId: string, uid: string, token = tokens.member): Promise<string> {
  const response = await api(uploadUrlPath(datasetId, uid), { token });
  expect(response.status).toBe(200);
  return uploadUrlSchema.parse(await response.json()).url;
}

/** The PUT exactly as NDI-python sends it: raw bytes, octet-stream, no Authorization. */
function put(url: string, body: Uint8Array<ArrayBuffer>) {
  return fetch(url, { method: "PUT", body, headers: { "Content-Type": "application/octet-stream" } });
}

async function uploadFile(datasetId: string, uid: string, body: Uint8Array<ArrayBuffer>) {
  const response = await put(await uploadUrl(datasetId, uid), body);
  expect(response.status).toBe(200);
}

async function detail(datasetId: string, uid: string, token?: string) {
  const response = await api(detailPath(datasetId, uid), { token });
  expect(response.status).toBe(200);
  return fileDetailSchema.parse(await response.json());
}

async function download(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

async function fileRows(datasetId: string) {
  return stack.sql<{ uid: string; uploaded: boolean; size: number | null }[]>`
    select uid, uploaded, size::int as size from public.files where dataset_id = ${datasetId} order by uid`;
}

describe("R42 upload URL and the PUT", () => {
  it("hands out an absolute Storage URL and adds no file entry until the bytes land", async () => {
    const dataset = await createDataset(orgA, "fresh");
    const url = await uploadUrl(dataset, "4126945b0315ec90_c0d16626cae2dacf");
    expect(url.startsWith(`${stack.supabaseUrl}/storage/v1/`)).toBe(true);
    expect(await fileRows(dataset)).toEqual([]);

    expect((await put(url, bytes("hello NDI"))).status).toBe(200);
    expect(await fileRows(dataset)).toEqual([{ uid: "4126945b0315ec90_c0d16626cae2dacf", uploaded: true, size: 9 }]);
  });

  it("accepts the URL under any organization id in the path: the dataset decides (contract 12.11)", async () => {
    const response = await api(uploadUrlPath(draft, "any-org", world.orgB), { token: tokens.member });
    expect(response.status).toBe(200);
  });

  it("answers the PUT with 200 after Expect: 100-continue, as curl and requests may send it", async () => {
    const url = new URL(await uploadUrl(draft, "expect-continue"));
    const body = Buffer.from("sent after 100 Continue");
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.request(url, {
        method: "PUT",
        headers: { "Content-Type": "application/octet-stream", "Content-Length": body.length, Expect: "100-continue" },
      });
      request.on("continue", () => request.end(body));
      request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on("error", reject);
    });
    expect(status).toBe(200);
    expect(Buffer.from(await download((await detail(draft, "expect-continue", tokens.member)).downloadUrl)).toString()).toBe(
      "sent after 100 Continue",
    );
  });

  it("replaces the bytes of a uid uploaded again, keeping one entry", async () => {
    await uploadFile(draft, "replaced", bytes("first version"));
    await uploadFile(draft, "replaced", bytes("second, longer version"));
    const file = await detail(draft, "replaced", tokens.member);
    expect(file.size).toBe(22);
    expect(Buffer.from(await download(file.downloadUrl)).toString()).toBe("second, longer version");
    expect((await fileRows(draft)).filter((row) => row.uid === "replaced")).toHaveLength(1);
  });

  it("stores a 0-byte file", async () => {
    await uploadFile(draft, "empty", new Uint8Array());
    const file = await detail(draft, "empty", tokens.member);
    expect(file.size).toBe(0);
    expect(await download(file.downloadUrl)).toEqual(new Uint8Array());
  });

  it("keeps every uid inside the dataset's folder, distinct, whatever its characters", async () => {
    // (A uid of exactly ".." cannot travel in a URL path: every HTTP client resolves it away.)
    const uids = ["../escape", "../../x", "a/b", "a%2Fb", "a b?c#d", "données-Ω-😀", "file.bin", "b64.ZmlsZQ", "plain_uid-1"];
    for (const [index, uid] of uids.entries()) await uploadFile(draft, uid, bytes(`content ${index}`));
    for (const [index, uid] of uids.entries()) {
      const file = await detail(draft, uid, tokens.member);
      expect(file.uid).toBe(uid);
      expect(Buffer.from(await download(file.downloadUrl)).toString()).toBe(`content ${index}`);
    }
    const names = await stack.sql<{ name: string }[]>`
      select name from storage.objects where bucket_id = 'ndi-data' and name like ${`${draft}/%`}`;
    for (const { name } of names) expect(name).toMatch(new RegExp(`^${draft}/[A-Za-z0-9_.-]+$`));
  });

  it("refuses a uid too long for an object key with 400 and stores nothing", async () => {
    const response = await api(uploadUrlPath(draft, "x".repeat(1000)), { token: tokens.member });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: expect.stringContaining("uid") });
  });

  it.each([
    ["an unknown dataset", (): string => NO_SUCH_DATASET, "member", 404],
    ["a malformed dataset id", (): string => "not-a-valid-id", "member", 404],
    ["another organization's dataset", (): string => foreign, "member", 404],
    ["a viewer", (): string => draft, "viewer", 403],
    ["a published dataset", (): string => published, "member", 403],
  ] as const)("refuses %s", async (_case, datasetId, actor, status) => {
    const response = await api(uploadUrlPath(datasetId(), "refused"), { token: tokens[actor] });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ message: expect.any(String), code: expect.any(String) });
  });

  it("needs a valid bearer token", async () => {
    expect((await api(uploadUrlPath(draft, "anon"))).status).toBe(401);
    expect((await api(uploadUrlPath(draft, "garbage"), { token: "not.a.token" })).status).toBe(401);
  });

  it("answers other methods with 405", async () => {
    const response = await api(uploadUrlPath(draft, "wrong-method"), { token: tokens.member, method: "DELETE" });
    expect(response.status).toBe(405);
  });

  it("refuses PUTs to a tampered or expired URL and registers nothing", async () => {
    const url = new URL(await uploadUrl(draft, "tampered"));
    const token = url.searchParams.get("token")!;
    const tampered = new URL(url);
    tampered.searchParams.set("token", `${token.slice(0, -4)}AAAA`);
    expect((await put(tampered.toString(), bytes("evil"))).status).toBeGreaterThanOrEqual(400);

    const otherKey = new URL(url.toString().replace("/tampered?", "/other-key?"));
    expect((await put(otherKey.toString(), bytes("evil"))).status).toBeGreaterThanOrEqual(400);

    const expired = new URL(url);
    expired.searchParams.set("token", await expiredUploadToken(url));
    expect((await put(expired.toString(), bytes("late"))).status).toBeGreaterThanOrEqual(400);

    expect((await fileRows(draft)).map((row) => row.uid)).not.toContain("tampered");
  });
});

/** The same upload grant Storage signed, but expired a minute ago. */
async function expiredUploadToken(url: URL): Promise<string> {
  const claims = JSON.parse(Buffer.from(url.searchParams.get("token")!.split(".")[1]!, "base64url").toString());
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, exp: now - 60 })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(stack.keys.jwtSecret));
}

describe("R44 detail and the download URL", () => {
  it("describes the file and serves exact bytes on GET, 200 with Content-Length on HEAD, and ranges", async () => {
    const content = bytes("0123456789abcdef");
    await uploadFile(draft, "ranged", content);
    const file = await detail(draft, "ranged", tokens.member);
    expect(file).toMatchObject({ uid: "ranged", datasetId: draft, uploaded: true, size: 16, sourceDatasetId: null });
    expect(file.eTag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(file.uploadedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    expect(await download(file.downloadUrl)).toEqual(content);

    const head = await fetch(file.downloadUrl, { method: "HEAD", redirect: "manual" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("16");

    const range = await fetch(file.downloadUrl, { headers: { Range: "bytes=2-5" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe("bytes 2-5/16");
    expect(await range.text()).toBe("2345");

    const unsatisfiable = await fetch(file.downloadUrl, { headers: { Range: "bytes=100-200" } });
    expect(unsatisfiable.status).toBe(416);
  });

  it("refuses a tampered download URL", async () => {
    const file = await detail(draft, "ranged", tokens.member);
    const tampered = new URL(file.downloadUrl);
    tampered.searchParams.set("token", `${tampered.searchParams.get("token")!.slice(0, -4)}AAAA`);
    expect((await fetch(tampered)).status).toBeGreaterThanOrEqual(400);
  });

  it("gives 404 for a uid whose upload never completed, and for unknown uids", async () => {
    await uploadUrl(draft, "never-uploaded");
    for (const uid of ["never-uploaded", "no-such-file"]) {
      const response = await api(detailPath(draft, uid), { token: tokens.member });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: "File not found" });
    }
  });

  it("lets anyone read a published dataset's files, and nobody outside read a draft's", async () => {
    const file = await detail(published, "published-file");
    expect(Buffer.from(await download(file.downloadUrl)).toString()).toBe("public bytes");

    await uploadFile(draft, "private-file", bytes("private"));
    expect((await api(detailPath(draft, "private-file"))).status).toBe(404);
    expect((await api(detailPath(draft, "private-file"), { token: tokens.memberB })).status).toBe(404);
    expect((await detail(draft, "private-file", tokens.viewer)).uid).toBe("private-file");
  });

  it("serves a branch the parent's bytes without a copy, and its own after it uploads the uid again", async () => {
    const parent = await createDataset(orgA, "parent");
    await uploadFile(parent, "shared", bytes("parent bytes"));
    const branch = await branchAsMember(parent);

    const shared = await detail(branch, "shared", tokens.member);
    expect(shared.sourceDatasetId).toBe(parent);
    expect(Buffer.from(await download(shared.downloadUrl)).toString()).toBe("parent bytes");

    await uploadFile(branch, "shared", bytes("branch bytes"));
    const own = await detail(branch, "shared", tokens.member);
    expect(own.sourceDatasetId).toBeNull();
    expect(Buffer.from(await download(own.downloadUrl)).toString()).toBe("branch bytes");
    expect(Buffer.from(await download((await detail(parent, "shared", tokens.member)).downloadUrl)).toString()).toBe("parent bytes");
  });
});

/** POST /datasets/{id}/branch's SQL, run as the member (the datasets routes are another area). */
function branchAsMember(parentId: string): Promise<string> {
  return world.asActor("member", async (tx) => {
    const [row] = await tx<{ id: string }[]>`select (public.branch_dataset(${parentId})).id`;
    return row!.id;
  });
}
