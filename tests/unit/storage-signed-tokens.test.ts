// Signed URL tokens: bound to one object and one action, and expiring, with Supabase's errors.
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  signDownloadToken,
  signUploadToken,
  verifyDownloadToken,
  verifyUploadToken,
} from "../../embedded/storage/signed-tokens.ts";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

function legacyToken(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime("1h")
    .sign(new TextEncoder().encode(SECRET));
}

describe("signed URL tokens", () => {
  it("carry the upload grant", async () => {
    const token = await signUploadToken(SECRET, "b/a.txt", { owner: "user-1", upsert: true }, 60);
    expect(await verifyUploadToken(SECRET, token, "b/a.txt")).toMatchObject({ owner: "user-1", upsert: true });
  });

  it("are bound to their object and scope", async () => {
    const download = await signDownloadToken(SECRET, "b/a.txt", 60);
    await expect(verifyDownloadToken(SECRET, download, "b/other.txt")).rejects.toMatchObject({ code: "InvalidSignature" });
    await expect(verifyUploadToken(SECRET, download, "b/a.txt")).rejects.toMatchObject({
      code: "InvalidSignature",
      message: "Token is not scoped for upload",
    });
    const upload = await signUploadToken(SECRET, "b/a.txt", { upsert: false }, 60);
    await expect(verifyDownloadToken(SECRET, upload, "b/a.txt")).rejects.toMatchObject({ code: "InvalidSignature" });
  });

  it("need this project's secret", async () => {
    const foreign = await signDownloadToken("another-secret-another-secret-another", "b/a.txt", 60);
    await expect(verifyDownloadToken(SECRET, foreign, "b/a.txt")).rejects.toMatchObject({ code: "InvalidJWT" });
    await expect(verifyDownloadToken(SECRET, undefined, "b/a.txt")).rejects.toMatchObject({ code: "InvalidJWT" });
  });

  it("expire", async () => {
    const expired = await new SignJWT({ url: "b/a.txt", scope: "download" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 1)
      .sign(new TextEncoder().encode(SECRET));
    await expect(verifyDownloadToken(SECRET, expired, "b/a.txt")).rejects.toMatchObject({ code: "ExpiredToken" });
  });

  it("accept Supabase's older tokens without a scope: upload ones are those with `upsert`", async () => {
    const oldDownload = await legacyToken({ url: "b/a.txt" });
    const oldUpload = await legacyToken({ url: "b/a.txt", upsert: false, owner: "u" });
    await expect(verifyDownloadToken(SECRET, oldDownload, "b/a.txt")).resolves.toBeDefined();
    await expect(verifyUploadToken(SECRET, oldUpload, "b/a.txt")).resolves.toMatchObject({ owner: "u" });
    await expect(verifyUploadToken(SECRET, oldDownload, "b/a.txt")).rejects.toMatchObject({ code: "InvalidSignature" });
  });
});
