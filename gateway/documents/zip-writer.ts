// A zip holding one deflated entry, written as its content streams in: memory stays at one chunk
// however large the content is. The sizes go in a data descriptor after the data (general-purpose
// flag bit 3), so nothing has to be known up front. Plain zip, not ZIP64: up to 4 GiB.
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";

const ZIP32_LIMIT = 0xffffffff;
const FLAGS = 0x0808; // sizes in a data descriptor; UTF-8 names
const DEFLATE = 8;
const VERSION = 20;

export class ZipTooLargeError extends Error {}

export async function writeSingleEntryZip(
  path: string,
  entryName: string,
  content: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
): Promise<void> {
  const name = Buffer.from(entryName, "utf8");
  const { time, date } = dosDateTime(new Date());
  const out = createWriteStream(path);
  out.write(localFileHeader(name, time, date));

  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  await pipeline(
    content,
    async function* measure(source: AsyncIterable<string | Buffer>) {
      for await (const chunk of source) {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
        crc = zlib.crc32(bytes, crc);
        size += bytes.length;
        yield bytes;
      }
    },
    zlib.createDeflateRaw(),
    async function* count(source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        compressedSize += chunk.length;
        yield chunk;
      }
    },
    out,
    { end: false },
  );
  if (size > ZIP32_LIMIT || compressedSize > ZIP32_LIMIT) throw new ZipTooLargeError(`zip entry ${entryName} is larger than 4 GiB`);

  const sizes = { crc, size, compressedSize };
  const centralDirectoryOffset = 30 + name.length + compressedSize + 16;
  const centralDirectory = centralDirectoryHeader(name, time, date, sizes);
  out.end(Buffer.concat([dataDescriptor(sizes), centralDirectory, endOfCentralDirectory(centralDirectory.length, centralDirectoryOffset)]));
  await once(out, "finish");
}

interface Sizes {
  crc: number;
  size: number;
  compressedSize: number;
}

function localFileHeader(name: Buffer, time: number, date: number): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  header.writeUInt16LE(name.length, 26); // crc and sizes (14–25) follow in the data descriptor
  return Buffer.concat([header, name]);
}

function dataDescriptor({ crc, size, compressedSize }: Sizes): Buffer {
  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc >>> 0, 4);
  descriptor.writeUInt32LE(compressedSize, 8);
  descriptor.writeUInt32LE(size, 12);
  return descriptor;
}

function centralDirectoryHeader(name: Buffer, time: number, date: number, { crc, size, compressedSize }: Sizes): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(VERSION, 6);
  header.writeUInt16LE(FLAGS, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt16LE(time, 12);
  header.writeUInt16LE(date, 14);
  header.writeUInt32LE(crc >>> 0, 16);
  header.writeUInt32LE(compressedSize, 20);
  header.writeUInt32LE(size, 24);
  header.writeUInt16LE(name.length, 28);
  // extra, comment, disk, attributes and the local header's offset (0) stay zero.
  return Buffer.concat([header, name]);
}

function endOfCentralDirectory(centralDirectorySize: number, centralDirectoryOffset: number): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(0x06054b50, 0);
  record.writeUInt16LE(1, 8);
  record.writeUInt16LE(1, 10);
  record.writeUInt32LE(centralDirectorySize, 12);
  record.writeUInt32LE(centralDirectoryOffset, 16);
  return record;
}

/** MS-DOS time and date fields (local time, 2-second resolution). */
function dosDateTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date: ((at.getFullYear() - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}
