// Moving whole objects between Storage and local files for the server's own work (bulk-upload
// extraction), by signed URL and plain HTTP streams, so no object is ever held in memory whatever
// its size. The client signing the URLs decides what may be read or written (the job runner's is
// the service role).
import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import type { SupabaseClient } from "@supabase/supabase-js";
import { DATA_BUCKET } from "./storage.ts";

const DOWNLOAD_URL_EXPIRES_IN_SECONDS = 60;

export async function downloadObjectToFile(supabase: SupabaseClient, objectKey: string, path: string, signal: AbortSignal): Promise<void> {
  const { data, error } = await supabase.storage.from(DATA_BUCKET).createSignedUrl(objectKey, DOWNLOAD_URL_EXPIRES_IN_SECONDS);
  if (error) throw new Error(`Storage would not sign a download of ${objectKey}: ${error.message}`);
  const response = await fetch(data.signedUrl, { signal, headers: { "Accept-Encoding": "identity" } });
  if (response.status !== 200 || !response.body) throw new Error(`Storage answered ${response.status} to the download of ${objectKey}`);
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), createWriteStream(path), { signal });
}

/** Creates or replaces the object with the file's bytes (one PUT to a signed upload URL, as clients do). */
export async function uploadFileToObject(supabase: SupabaseClient, path: string, objectKey: string, signal: AbortSignal): Promise<void> {
  const { data, error } = await supabase.storage.from(DATA_BUCKET).createSignedUploadUrl(objectKey, { upsert: true });
  if (error) throw new Error(`Storage would not sign an upload of ${objectKey}: ${error.message}`);
  const { size } = await stat(path);
  const response = await fetch(data.signedUrl, {
    method: "PUT",
    signal,
    body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
    duplex: "half",
    // A redirectable streamed request is teed and kept whole in memory; Storage never redirects.
    redirect: "error",
  } as RequestInit);
  if (response.status !== 200) throw new Error(`Storage answered ${response.status} to the upload of ${objectKey}: ${await response.text()}`);
}

export async function removeObject(supabase: SupabaseClient, objectKey: string): Promise<void> {
  const { error } = await supabase.storage.from(DATA_BUCKET).remove([objectKey]);
  if (error) throw new Error(`Storage refused to remove ${objectKey}: ${error.message}`);
}
