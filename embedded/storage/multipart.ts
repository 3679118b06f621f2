// A streaming multipart/form-data reader, just enough for Storage uploads. storage-js sends the
// small text fields (cacheControl, metadata, contentType) before the file part, as Supabase
// expects; they are collected, and the first file part is handed on as a stream that never holds
// more than one network chunk, so a multipart body of any size passes in constant memory. Parts
// after the file are ignored, as Supabase ignores them.
import { ERRORS } from "./errors.ts";

export interface MultipartUpload {
  fields: Map<string, string>;
  fileContentType: string | undefined;
  /** The file part's bytes; fails if the body ends before the part's closing boundary. */
  content: AsyncIterable<Uint8Array>;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const MAX_PART_HEADER_BYTES = 16 * 1024;
// Supabase accepts user metadata up to 1 MiB; no other field comes close.
const MAX_FIELD_BYTES = 1024 * 1024;
const MAX_FIELDS_BEFORE_FILE = 32;

export function multipartBoundary(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw ERRORS.invalidRequest("multipart/form-data body without a boundary");
  return boundary;
}

export async function readMultipartUpload(body: AsyncIterable<Uint8Array>, boundary: string): Promise<MultipartUpload> {
  // Every boundary, the first included, is preceded by CRLF once the body is prefixed with one.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const reader = new ByteReader(body, CRLF);
  await reader.skipUntil(delimiter);
  const fields = new Map<string, string>();
  for (;;) {
    const afterBoundary = await reader.read(2);
    if (!afterBoundary.equals(CRLF)) throw ERRORS.invalidRequest("No file provided");
    const headers = parsePartHeaders(await reader.readUntil(HEADER_END, MAX_PART_HEADER_BYTES));
    if (headers.filename !== undefined) {
      return { fields, fileContentType: headers.contentType, content: reader.streamUntil(delimiter) };
    }
    if (fields.size >= MAX_FIELDS_BEFORE_FILE) throw ERRORS.invalidRequest("Too many form fields before the file");
    fields.set(headers.name ?? "", (await reader.readUntil(delimiter, MAX_FIELD_BYTES)).toString("utf8"));
  }
}

interface PartHeaders {
  name?: string;
  filename?: string;
  contentType?: string;
}

function parsePartHeaders(block: Buffer): PartHeaders {
  const headers: PartHeaders = {};
  for (const line of block.toString("utf8").split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === "content-type") headers.contentType = value;
    if (field === "content-disposition") {
      for (const [, param, quoted, bare] of value.matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
        const paramValue = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? "").trim();
        if (param!.toLowerCase() === "name") headers.name = paramValue;
        if (param!.toLowerCase() === "filename") headers.filename = paramValue;
      }
    }
  }
  return headers;
}

/** Reads a byte stream up to delimiters, keeping only the unconsumed tail of the last chunk. */
class ByteReader {
  readonly #source: AsyncIterator<Uint8Array>;
  #pending: Buffer;

  constructor(source: AsyncIterable<Uint8Array>, prefix: Buffer) {
    this.#source = source[Symbol.asyncIterator]();
    this.#pending = prefix;
  }

  async read(length: number): Promise<Buffer> {
    while (this.#pending.length < length) await this.#fill();
    return this.#take(length, 0);
  }

  /** The bytes before `delimiter` (which is consumed); refuses to buffer more than `limit`. */
  async readUntil(delimiter: Buffer, limit: number): Promise<Buffer> {
    for (;;) {
      const at = this.#pending.indexOf(delimiter);
      if (at !== -1) return this.#take(at, delimiter.length);
      if (this.#pending.length > limit + delimiter.length) throw ERRORS.invalidRequest("Multipart part too large");
      await this.#fill();
    }
  }

  async skipUntil(delimiter: Buffer): Promise<void> {
    for await (const _ of this.streamUntil(delimiter));
  }

  /** Yields the bytes before `delimiter` (which is consumed) as they arrive. */
  async *streamUntil(delimiter: Buffer): AsyncGenerator<Buffer> {
    for (;;) {
      const at = this.#pending.indexOf(delimiter);
      if (at !== -1) {
        if (at > 0) yield this.#take(at, delimiter.length);
        else this.#take(0, delimiter.length);
        return;
      }
      // Everything except a possible start of the delimiter can go out now.
      const safe = this.#pending.length - (delimiter.length - 1);
      if (safe > 0) yield this.#take(safe, 0);
      await this.#fill();
    }
  }

  #take(length: number, skip: number): Buffer {
    const head = this.#pending.subarray(0, length);
    this.#pending = this.#pending.subarray(length + skip);
    return head;
  }

  async #fill(): Promise<void> {
    const next = await this.#source.next();
    if (next.done) throw ERRORS.invalidRequest("Multipart body ended unexpectedly");
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
  }
}
