// Object bytes on local disk. Each stored version is one immutable file named by its version uuid
// (never by the object's name), so renaming or moving an object is a database update and a path
// can never be steered by user input. New bytes are streamed into a temp file beside the objects
// (same filesystem), hashed on the way, fsynced, and only then renamed into place: a reader sees
// either no file or the complete one, and a failed upload leaves nothing behind.
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { copyFile, link, mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { ERRORS } from "./errors.ts";

export interface StagedBytes {
  tempPath: string;
  size: number;
  /** Quoted md5 of the bytes, as Supabase (and S3) report an ETag. */
  eTag: string;
}

export interface OpenedObject {
  size: number;
  /** The bytes from `start` to `end` (inclusive); the file is closed when the stream ends or is cancelled. */
  stream: (start: number, end: number) => ReadableStream<Uint8Array>;
  close: () => Promise<void>;
}

const VERSION_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const READ_CHUNK_BYTES = 256 * 1024;
// A temp file nobody has written to for this long belongs to an upload that died with its process.
const ABANDONED_TEMP_FILE_MS = 60 * 60 * 1000;

export class ObjectDiskStore {
  readonly #objectsDir: string;
  readonly #tempDir: string;

  constructor(root: string) {
    this.#objectsDir = path.join(root, "objects");
    this.#tempDir = path.join(root, "tmp");
    mkdirSync(this.#objectsDir, { recursive: true });
    mkdirSync(this.#tempDir, { recursive: true });
    this.#removeAbandonedTempFiles();
  }

  /**
   * Streams `content` into a new temp file in constant memory. Throws EntityTooLarge as soon as it
   * passes `maxBytes`; on any failure (including an aborted request body) the temp file is removed.
   */
  async stage(content: AsyncIterable<Uint8Array>, maxBytes: number, expectedBytes?: number): Promise<StagedBytes> {
    const tempPath = path.join(this.#tempDir, `${randomUUID()}.part`);
    const file = await open(tempPath, "wx", 0o600);
    const md5 = createHash("md5");
    let size = 0;
    try {
      for await (const chunk of content) {
        size += chunk.byteLength;
        if (size > maxBytes) throw ERRORS.entityTooLarge();
        md5.update(chunk);
        await writeFully(file, chunk);
      }
      if (expectedBytes !== undefined && size !== expectedBytes) throw ERRORS.incompleteBody();
      await file.sync();
    } catch (error) {
      await file.close().catch(() => {});
      await rm(tempPath, { force: true });
      throw error;
    }
    await file.close();
    return { tempPath, size, eTag: `"${md5.digest("hex")}"` };
  }

  /** Makes staged bytes the durable file of `version`; if that fails, the temp file is removed. */
  async commit(staged: StagedBytes, version: string): Promise<void> {
    const target = this.#versionPath(version);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await rename(staged.tempPath, target);
    } finally {
      // Gone already after a successful rename; otherwise it must not stay behind.
      await rm(staged.tempPath, { force: true });
    }
    await syncDirectory(path.dirname(target));
  }

  /** Gives `targetVersion` the same bytes as `sourceVersion`: a hard link, since files never change. */
  async duplicate(sourceVersion: string, targetVersion: string): Promise<void> {
    const source = this.#versionPath(sourceVersion);
    const target = this.#versionPath(targetVersion);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await link(source, target);
    } catch (error) {
      if (isErrno(error, "ENOENT")) throw ERRORS.noSuchKey();
      // Filesystems without hard links: copy through a temp file so the target appears complete.
      const tempPath = path.join(this.#tempDir, `${randomUUID()}.part`);
      try {
        await copyFile(source, tempPath);
        const copy = await open(tempPath, "r+");
        await copy.sync().finally(() => copy.close());
        await rename(tempPath, target);
      } finally {
        await rm(tempPath, { force: true });
      }
    }
    await syncDirectory(path.dirname(target));
  }

  /** Removes the files of versions whose rows are gone; missing files are fine. */
  async remove(versions: Iterable<string | null>): Promise<void> {
    for (const version of versions) {
      if (version) await rm(this.#versionPath(version), { force: true });
    }
  }

  async open(version: string): Promise<OpenedObject> {
    let file: FileHandle;
    try {
      file = await open(this.#versionPath(version), "r");
    } catch (error) {
      // The row may have been deleted (and its file removed) since it was read.
      if (isErrno(error, "ENOENT")) throw ERRORS.noSuchKey();
      throw error;
    }
    const { size } = await file.stat();
    return { size, stream: (start, end) => fileRangeStream(file, start, end), close: () => file.close() };
  }

  #versionPath(version: string): string {
    // Versions come from our own rows; refuse anything else rather than build a path from it.
    if (!VERSION_PATTERN.test(version)) throw ERRORS.internal(new Error(`object version is not a uuid: ${version}`));
    return path.join(this.#objectsDir, version.slice(0, 2), version);
  }

  #removeAbandonedTempFiles(): void {
    const now = Date.now();
    for (const name of readdirSync(this.#tempDir)) {
      const file = path.join(this.#tempDir, name);
      if (now - statSync(file).mtimeMs > ABANDONED_TEMP_FILE_MS) rmSync(file, { force: true });
    }
  }
}

async function writeFully(file: FileHandle, chunk: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < chunk.byteLength) {
    const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A pull-driven stream: one chunk is read only when the consumer asks, so memory stays constant. */
function fileRangeStream(file: FileHandle, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const remaining = end + 1 - position;
        try {
          if (remaining <= 0) {
            await file.close();
            controller.close();
            return;
          }
          const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, remaining));
          const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) throw new Error("object file is shorter than the range being read");
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        } catch (error) {
          await file.close().catch(() => {});
          throw error;
        }
      },
      async cancel() {
        await file.close();
      },
    },
    { highWaterMark: 0 },
  );
}

function isErrno(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
