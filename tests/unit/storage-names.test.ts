// Object and bucket names the Storage API accepts.
import { describe, expect, it } from "vitest";
import { StorageError } from "../../embedded/storage/errors.ts";
import { validBucketName, validObjectName } from "../../embedded/storage/names.ts";

describe("validObjectName", () => {
  it.each(["a.txt", "ndi-data/6823f9a1/2a3b4c", "with space/and (parens)!.tar.gz", "..hidden", "a/.b"])("accepts %s", (name) => {
    expect(validObjectName(name)).toBe(name);
  });

  it.each([
    "",
    "/leading",
    "trailing/",
    "a//b",
    "a/../b",
    "..",
    "a/./b",
    "nul\0byte",
    "new\nline",
    "back\\slash",
    "percent%41",
    "é",
    "x".repeat(1025),
  ])("rejects %j", (name) => {
    expect(() => validObjectName(name)).toThrow(StorageError);
  });
});

describe("validBucketName", () => {
  it.each(["avatars", "ndi-data", "My_Bucket.1"])("accepts %s", (name) => {
    expect(validBucketName(name)).toBe(name);
  });

  it.each(["", "a/b", " padded", "padded ", "x".repeat(101), "é"])("rejects %j", (name) => {
    expect(() => validBucketName(name)).toThrow("Bucket name invalid");
  });
});
