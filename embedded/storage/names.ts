// Bucket and object names accepted by the Storage API. The character sets are hosted Supabase's
// (S3-safe keys), so a name that works here also works there. Names are only ever database keys:
// bytes on disk are stored by object version, so no name reaches a file path.
import { ERRORS } from "./errors.ts";

const OBJECT_KEY_CHARACTERS = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]+$/;
const BUCKET_NAME_CHARACTERS = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]+$/;
const MAX_OBJECT_KEY_BYTES = 1024;
const MAX_BUCKET_NAME_LENGTH = 100;

/** An object name: percent-decoded by the router, relative (no leading slash), no empty, `.` or `..` segments. */
export function validObjectName(name: string | undefined): string {
  if (
    !name ||
    Buffer.byteLength(name) > MAX_OBJECT_KEY_BYTES ||
    !OBJECT_KEY_CHARACTERS.test(name) ||
    name.split("/").some((segment) => segment === "" || segment === "." || segment === "..")
  ) {
    throw ERRORS.invalidKey(name ?? "");
  }
  return name;
}

export function validBucketName(name: string | undefined): string {
  if (
    !name ||
    name.length > MAX_BUCKET_NAME_LENGTH ||
    name.trim() !== name ||
    !BUCKET_NAME_CHARACTERS.test(name)
  ) {
    throw ERRORS.invalidBucketName();
  }
  return name;
}
