// Serving an object's bytes with the headers Supabase Storage sends: Content-Length, Content-Type,
// ETag, Last-Modified, Accept-Ranges, Cache-Control (or Expires for signed URLs), single byte
// ranges (206 / 416), If-None-Match (304) and `?download` attachments. HEAD gets the same headers
// and no body. The body streams from disk in constant memory.
import type { Context } from "hono";
import type { ObjectRow } from "./database.ts";
import type { ObjectDiskStore } from "./disk-store.ts";
import { ERRORS, renderStorageError } from "./errors.ts";
import { parseRangeHeader } from "./range.ts";

export interface DownloadOptions {
  /** Signed URLs send Expires (the token's expiry) instead of the object's Cache-Control. */
  expiresAt?: Date;
}

export async function renderObject(
  c: Context,
  store: ObjectDiskStore,
  object: ObjectRow,
  options: DownloadOptions = {},
): Promise<Response> {
  // A row written outside the Storage API has no bytes to serve.
  if (!object.version) throw ERRORS.noSuchKey();
  const metadata = object.metadata ?? {};
  const mimetype = metadata.mimetype ?? "application/octet-stream";
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    // Never let a stored HTML file render as a page from this origin.
    "Content-Type": mimetype.includes("text/html") ? "text/plain" : mimetype,
    "Last-Modified": object.updated_at.toUTCString(),
    "X-Robots-Tag": "none",
  });
  if (metadata.eTag) headers.set("ETag", metadata.eTag);
  if (options.expiresAt) headers.set("Expires", options.expiresAt.toUTCString());
  else if (metadata.cacheControl) headers.set("Cache-Control", metadata.cacheControl);
  const download = c.req.query("download");
  if (download !== undefined) headers.set("Content-Disposition", attachment(download));

  if (metadata.eTag && matchesIfNoneMatch(c.req.header("if-none-match"), metadata.eTag)) {
    return new Response(null, { status: 304, headers });
  }

  const file = await store.open(object.version);
  const range = parseRangeHeader(c.req.header("range"), file.size);
  if (range === "unsatisfiable") {
    await file.close();
    return renderStorageError(c, ERRORS.invalidRange(), { "Content-Range": `bytes */${file.size}` });
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  headers.set("Content-Length", String(end - start + 1));
  if (range) headers.set("Content-Range", `bytes ${start}-${end}/${file.size}`);
  const status = range ? 206 : 200;
  if (c.req.method === "HEAD") {
    await file.close();
    return new Response(null, { status, headers });
  }
  return new Response(file.stream(start, end), { status, headers });
}

/** `If-None-Match` holds `*` or a list of (possibly weak) entity tags. */
function matchesIfNoneMatch(header: string | undefined, eTag: string): boolean {
  if (!header) return false;
  return header.split(",").some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, "");
    return tag === "*" || tag === eTag;
  });
}

function attachment(filename: string): string {
  if (filename === "") return "attachment;";
  const encoded = encodeURIComponent(filename);
  return `attachment; filename=${encoded}; filename*=UTF-8''${encoded}`;
}
