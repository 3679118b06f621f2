// Signed URLs: created with supabase-js, used with plain fetch and no credentials, the way the NDI
// Python client (requests.put / GET) and MATLAB (curl --upload-file) use them; expiry and every
// kind of tampering give Supabase's errors and never bytes.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStorageFixture, type StorageFixture } from "../support/storage.ts";

let fixture: StorageFixture;
const BUCKET = "signed";
const files = () => fixture.service.storage.from(BUCKET);

beforeAll(async () => {
  fixture = await startStorageFixture();
  await fixture.service.storage.createBucket(BUCKET, { public: false });
});
afterAll(async () => {
  await fixture?.close();
});

async function signedUploadUrl(path: string, upsert = false) {
  const { data, error } = await files().createSignedUploadUrl(path, { upsert });
  expect(error).toBeNull();
  return data!;
}

async function signedDownloadUrl(path: string, expiresIn = 60) {
  const { data, error } = await files().createSignedUrl(path, expiresIn);
  expect(error).toBeNull();
  return data!.signedUrl;
}

function swapPath(url: string, from: string, to: string): string {
  return url.replace(`/${BUCKET}/${from}?`, `/${BUCKET}/${to}?`);
}

describe("signed upload URLs", () => {
  it("returns Supabase's {url, token} and works with uploadToSignedUrl", async () => {
    const { signedUrl, token, path } = await signedUploadUrl("up/sdk.txt");
    expect(signedUrl).toContain(`/storage/v1/object/upload/sign/${BUCKET}/up/sdk.txt?token=`);
    expect(path).toBe("up/sdk.txt");
    const { data, error } = await files().uploadToSignedUrl("up/sdk.txt", token, new Blob(["via sdk"]));
    expect(error).toBeNull();
    expect(data).toMatchObject({ path: "up/sdk.txt", fullPath: `${BUCKET}/up/sdk.txt` });
    expect(await (await files().download("up/sdk.txt")).data!.text()).toBe("via sdk");
  });

  it("accepts a plain PUT without Authorization and answers exactly 200", async () => {
    const { signedUrl } = await signedUploadUrl("up/plain.bin");
    const body = new Uint8Array([0, 1, 2, 3, 254, 255]);
    const response = await fetch(signedUrl, { method: "PUT", body, headers: { "Content-Type": "application/octet-stream" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ Key: `${BUCKET}/up/plain.bin` });
    const stored = new Uint8Array(await (await files().download("up/plain.bin")).data!.arrayBuffer());
    expect(stored).toEqual(body);
  });

  it("accepts a chunked PUT with Expect: 100-continue, as curl --upload-file sends it", async () => {
    const { signedUrl } = await signedUploadUrl("up/curl.bin");
    const url = new URL(signedUrl);
    const status = await new Promise<number>((resolve, reject) => {
      import("node:http").then(({ default: http }) => {
        const request = http.request(url, {
          method: "PUT",
          headers: { "Content-Type": "application/octet-stream", Expect: "100-continue", "Transfer-Encoding": "chunked" },
        });
        request.on("continue", () => {
          request.write("first chunk, ");
          request.end("second chunk");
        });
        request.on("response", (response) => {
          response.resume();
          resolve(response.statusCode!);
        });
        request.on("error", reject);
      }, reject);
    });
    expect(status).toBe(200);
    expect(await (await files().download("up/curl.bin")).data!.text()).toBe("first chunk, second chunk");
  });

  it("refuses a second upload without upsert, and allows it with an upsert URL", async () => {
    const first = await signedUploadUrl("up/once.txt");
    expect((await fetch(first.signedUrl, { method: "PUT", body: "one" })).status).toBe(200);
    const again = await fetch(first.signedUrl, { method: "PUT", body: "two" });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ statusCode: "409", error: "Duplicate" });
    // Creating a non-upsert URL for an existing object already fails, as on Supabase.
    expect((await files().createSignedUploadUrl("up/once.txt")).error).toMatchObject({ statusCode: "409" });

    const upsert = await signedUploadUrl("up/once.txt", true);
    expect((await fetch(upsert.signedUrl, { method: "PUT", body: "three" })).status).toBe(200);
    expect(await (await files().download("up/once.txt")).data!.text()).toBe("three");
  });

  it("expires after the configured lifetime", async () => {
    const shortLived = await fixture.serveAnother({ uploadUrlExpiresIn: 1 });
    const response = await fetch(`${shortLived.storageUrl}/object/upload/sign/${BUCKET}/up/late.txt`, {
      method: "POST",
      headers: { authorization: `Bearer ${fixture.keys.serviceRoleKey}`, "content-type": "application/json" },
      body: "{}",
    });
    const { url } = (await response.json()) as { url: string };
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const late = await fetch(`${shortLived.storageUrl}${url}`, { method: "PUT", body: "too late" });
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ statusCode: "400", code: "ExpiredToken", message: "The provided token has expired." });
    expect(await fixture.sql`select 1 from storage.objects where name = 'up/late.txt'`).toEqual([]);
  });

  it("rejects tampered tokens: another path, an altered signature, a download token", async () => {
    const { signedUrl, token } = await signedUploadUrl("up/target.txt");
    const cases: [string, string, string][] = [
      ["changed path", swapPath(signedUrl, "up/target.txt", "up/other.txt"), "InvalidSignature"],
      ["altered signature", signedUrl.replace(token, alterSignature(token)), "InvalidJWT"],
      ["no token", signedUrl.replace(/\?token=.*$/, ""), "InvalidJWT"],
    ];
    await files().upload("up/existing.txt", "existing");
    const downloadUrl = await signedDownloadUrl("up/existing.txt");
    cases.push(["download token", downloadUrl.replace("/object/sign/", "/object/upload/sign/"), "InvalidSignature"]);
    for (const [label, url, code] of cases) {
      const response = await fetch(url, { method: "PUT", body: "forged" });
      expect(response.status, label).toBe(400);
      expect(await response.json(), label).toMatchObject({ statusCode: "400", code });
    }
    const names = await fixture.sql`select name from storage.objects where name in ('up/target.txt', 'up/other.txt')`;
    expect(names).toEqual([]);
    expect(await (await files().download("up/existing.txt")).data!.text()).toBe("existing");
  });
});

describe("signed download URLs", () => {
  const content = "The quick brown fox jumps over the lazy dog";
  beforeAll(async () => {
    await files().upload("down/fox.txt", content, { contentType: "text/plain" });
  });

  it("serve the exact bytes without credentials, with an Expires header", async () => {
    const url = await signedDownloadUrl("down/fox.txt");
    const response = await fetch(url, { headers: { "Accept-Encoding": "identity" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(content.length));
    expect(response.headers.get("etag")).toBe(`"${createHash("md5").update(content).digest("hex")}"`);
    expect(response.headers.get("expires")).toMatch(/GMT$/);
    expect(await response.text()).toBe(content);
  });

  it("answer HEAD with 200 and Content-Length, no redirect", async () => {
    const response = await fetch(await signedDownloadUrl("down/fox.txt"), { method: "HEAD", redirect: "manual" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(content.length));
  });

  it("serve ranges and refuse bad ones", async () => {
    const url = await signedDownloadUrl("down/fox.txt");
    const partial = await fetch(url, { headers: { Range: "bytes=4-8" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 4-8/${content.length}`);
    expect(await partial.text()).toBe("quick");
    for (const range of ["bytes=100-200", "bytes=9-3", "bytes=x-y"]) {
      const refused = await fetch(url, { headers: { Range: range } });
      expect(refused.status, range).toBe(416);
    }
  });

  it("add Content-Disposition when created with download", async () => {
    const { data } = await files().createSignedUrl("down/fox.txt", 60, { download: "fox.txt" });
    const response = await fetch(data!.signedUrl);
    expect(response.headers.get("content-disposition")).toBe("attachment; filename=fox.txt; filename*=UTF-8''fox.txt");
  });

  it("are created in batches, with an error entry for missing objects", async () => {
    const { data, error } = await files().createSignedUrls(["down/fox.txt", "down/missing.txt"], 60);
    expect(error).toBeNull();
    expect(data![0]).toMatchObject({ path: "down/fox.txt", error: null, signedUrl: expect.stringContaining("token=") });
    expect(data![1]).toMatchObject({
      path: "down/missing.txt",
      signedUrl: null,
      error: "Either the object does not exist or you do not have access to it",
    });
    expect(await (await fetch(data![0]!.signedUrl!)).text()).toBe(content);
  });

  it("are not created for missing objects", async () => {
    const { error } = await files().createSignedUrl("down/missing.txt", 60);
    expect(error).toMatchObject({ statusCode: "404" });
  });

  it("expire", async () => {
    const url = await signedDownloadUrl("down/fox.txt", 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "ExpiredToken" });
  });

  it("reject tampering and never send bytes", async () => {
    await files().upload("down/secret.txt", "secret");
    const url = await signedDownloadUrl("down/fox.txt");
    const token = new URL(url).searchParams.get("token")!;
    const { signedUrl: uploadUrl } = await signedUploadUrl("down/new.txt");
    const cases: [string, string, string][] = [
      ["changed path", swapPath(url, "down/fox.txt", "down/secret.txt"), "InvalidSignature"],
      ["altered signature", url.replace(token, alterSignature(token)), "InvalidJWT"],
      ["upload token", uploadUrl.replace("/object/upload/sign/", "/object/sign/"), "InvalidSignature"],
      ["garbage token", url.replace(token, "garbage"), "InvalidJWT"],
    ];
    for (const [label, tampered, code] of cases) {
      for (const method of ["GET", "HEAD"]) {
        const response = await fetch(tampered, { method });
        expect(response.status, `${label} ${method}`).toBe(400);
        const body = await response.text();
        if (method === "GET") expect(JSON.parse(body), label).toMatchObject({ statusCode: "400", code });
        expect(body, label).not.toContain("secret");
      }
    }
  });
});

/** Changes one character inside the signature (not the last, whose low bits are padding). */
function alterSignature(token: string): string {
  const at = token.length - 5;
  return token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
}
