// Signed Storage URLs for data files, made with supabase-js acting as the caller, so Storage's
// own policies (storage migration) decide once more whether the caller may upload or read.
import { StorageApiError, type SupabaseClient } from "@supabase/supabase-js";
import { httpErrors } from "../errors/api-error.ts";

/** The bucket the schema's policies and triggers are written for (storage migration). */
export const DATA_BUCKET = "ndi-data";

/** Download URLs are used at once by every client (60–300 s timeouts); an hour leaves room for slow starts. */
export const DOWNLOAD_URL_EXPIRES_IN_SECONDS = 60 * 60;

/** A URL the client PUTs raw bytes to without credentials; an existing object is replaced. */
export async function signedUploadUrl(supabase: SupabaseClient, objectKey: string): Promise<string> {
  const { data, error } = await supabase.storage.from(DATA_BUCKET).createSignedUploadUrl(objectKey, { upsert: true });
  if (error) throw httpErrors.internal(error);
  return data.signedUrl;
}

/** A URL answering GET, HEAD and Range requests with the object's bytes; undefined when Storage has no object to sign. */
export async function signedDownloadUrl(supabase: SupabaseClient, objectKey: string): Promise<string | undefined> {
  const { data, error } = await supabase.storage.from(DATA_BUCKET).createSignedUrl(objectKey, DOWNLOAD_URL_EXPIRES_IN_SECONDS);
  if (error) {
    if (isMissingObject(error)) return undefined;
    throw httpErrors.internal(error);
  }
  return data.signedUrl;
}

// Storage answers a missing (or unreadable) object with HTTP 400 and statusCode "404" in the body.
function isMissingObject(error: Error): boolean {
  return error instanceof StorageApiError && String(error.statusCode) === "404";
}
