// Reading a bulk-upload zip from a local file with yauzl, which reads the central directory and
// streams one entry at a time. Each entry becomes the file whose uid is its base name (contract
// R43). yauzl already refuses absolute names and `..` segments (zip slip) and turns backslashes
// into `/`; here directory entries are skipped, and an archive is refused as a whole when two
// entries name the same uid, when an entry is encrypted or compressed in a way yauzl cannot
// decode, or when sizes break the limits. Entry data is checked against its CRC-32 while it is
// written out, so only intact bytes ever leave the extractor.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { isStorableUid } from "./object-keys.ts";
import type { ZipLimits } from "./zip-limits.ts";

/** The archive itself is at fault: retrying cannot help. */
export class InvalidZipError extends Error {}

export interface ZipFileEntry {
  uid: string;
  /** The entry's name in the archive. */
  name: string;
  size: number;
  /** Writes the entry's bytes to `path` and returns their digests, once they matched the entry's CRC-32. */
  extractTo: (path: string) => Promise<ExtractedFile>;
}

export interface ExtractedFile {
  size: number;
  sha256: string;
  md5: string;
}

/**
 * Checks the whole central directory against the rules and limits before anything is extracted;
 * returns how many files the zip holds.
 */
export async function validateZip(zipPath: string, limits: ZipLimits): Promise<number> {
  const uids = new Map<string, string>();
  let totalBytes = 0;
  await forEachZipFile(zipPath, async (file, entry) => {
    const previous = uids.get(file.uid);
    if (previous !== undefined) throw new InvalidZipError(`entries "${previous}" and "${file.name}" are both file "${file.uid}"`);
    uids.set(file.uid, file.name);
    if (uids.size > limits.maxEntries) throw new InvalidZipError(`more than ${limits.maxEntries} files`);
    checkSizes(file, entry, limits);
    totalBytes += file.size;
    if (totalBytes > limits.maxTotalBytes) throw new InvalidZipError(`more than ${limits.maxTotalBytes} bytes uncompressed in all`);
  });
  return uids.size;
}

/** Visits the zip's files (directory entries skipped) in archive order, one at a time. */
export async function forEachZipFile(zipPath: string, visit: (file: ZipFileEntry, entry: Entry) => Promise<void>): Promise<void> {
  const zipfile = await asInvalidZip("not a readable zip archive", () =>
    yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }),
  );
  const entries = zipfile.eachEntry();
  try {
    for (;;) {
      const next = await asInvalidZip("the zip's directory is corrupt or unsafe", () => entries.next());
      if (next.done) return;
      const entry = next.value;
      if (entry.fileName.endsWith("/")) continue;
      await visit(fileOf(zipfile, entry), entry);
    }
  } finally {
    zipfile.close();
  }
}

function fileOf(zipfile: ZipFile, entry: Entry): ZipFileEntry {
  const name = entry.fileName;
  const uid = name.slice(name.lastIndexOf("/") + 1);
  if (uid === "." || !isStorableUid(uid)) throw new InvalidZipError(`entry "${name}" does not name a usable file uid`);
  if (entry.isEncrypted()) throw new InvalidZipError(`entry "${name}" is encrypted`);
  if (!entry.canDecodeFileData()) throw new InvalidZipError(`entry "${name}" uses compression method ${entry.compressionMethod}; use deflate or store`);
  return { uid, name, size: entry.uncompressedSize, extractTo: (path) => extractEntry(zipfile, entry, path) };
}

function checkSizes(file: ZipFileEntry, entry: Entry, limits: ZipLimits): void {
  if (file.size > limits.maxEntryBytes) throw new InvalidZipError(`entry "${file.name}" is larger than ${limits.maxEntryBytes} bytes`);
  if (file.size > limits.ratioFromBytes && file.size > entry.compressedSize * limits.maxRatio) {
    throw new InvalidZipError(`entry "${file.name}" expands more than ${limits.maxRatio} times (a zip bomb?)`);
  }
}

async function extractEntry(zipfile: ZipFile, entry: Entry, path: string): Promise<ExtractedFile> {
  const corrupt = `entry "${entry.fileName}" is corrupt or truncated`;
  const source = await asInvalidZip(corrupt, () => zipfile.openReadStreamPromise(entry));
  let zipError: unknown;
  source.once("error", (error) => (zipError = error));

  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  let crc = 0;
  let size = 0;
  const digest = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sha256.update(chunk);
      md5.update(chunk);
      crc = crc32(chunk, crc);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(source, digest, createWriteStream(path));
  } catch (error) {
    if (zipError) throw new InvalidZipError(`${corrupt}: ${messageOf(zipError)}`);
    throw error;
  }
  if (crc !== entry.crc32) throw new InvalidZipError(`${corrupt}: its CRC-32 does not match`);
  return { size, sha256: sha256.digest("hex"), md5: md5.digest("hex") };
}

async function asInvalidZip<T>(why: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof InvalidZipError ? error : new InvalidZipError(`${why}: ${messageOf(error)}`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
