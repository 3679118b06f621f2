// What an upload request carries, read the way Supabase Storage reads it: a multipart form (the
// file part plus cacheControl / contentType / metadata fields) or a raw body described by its
// headers (content-type, cache-control, x-metadata as base64 JSON). The bytes stay a stream.
import { multipartBoundary, readMultipartUpload } from "./multipart.ts";

export interface UploadBody {
  content: AsyncIterable<Uint8Array>;
  mimetype: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | undefined;
  /** The object's size as announced by Content-Length (raw bodies only; a form has overhead). */
  declaredSize: number | undefined;
}

const DEFAULT_MIMETYPE = "application/octet-stream";

export async function readUploadBody(request: Request): Promise<UploadBody> {
  const contentType = request.headers.get("content-type") ?? "";
  const body: AsyncIterable<Uint8Array> = request.body ?? noBytes();
  if (/^multipart\/form-data/i.test(contentType)) {
    const form = await readMultipartUpload(body, multipartBoundary(contentType));
    const cacheTime = form.fields.get("cacheControl");
    return {
      content: form.content,
      mimetype: form.fields.get("contentType") || form.fileContentType || DEFAULT_MIMETYPE,
      cacheControl: cacheTime ? `max-age=${cacheTime}` : "no-cache",
      userMetadata: parseJsonObject(form.fields.get("metadata") ?? form.fields.get("userMetadata")),
      declaredSize: undefined,
    };
  }
  const metadataHeader = request.headers.get("x-metadata");
  return {
    content: body,
    mimetype: contentType || DEFAULT_MIMETYPE,
    cacheControl: request.headers.get("cache-control") ?? "no-cache",
    userMetadata: metadataHeader ? parseJsonObject(Buffer.from(metadataHeader, "base64").toString("utf8")) : undefined,
    declaredSize: declaredContentLength(request),
  };
}

async function* noBytes(): AsyncGenerator<Uint8Array> {}

export function declaredContentLength(request: Request): number | undefined {
  const header = request.headers.get("content-length");
  if (header === null || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/** Supabase ignores user metadata that is not a JSON object rather than failing the upload. */
function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
