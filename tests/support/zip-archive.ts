// A minimal zip writer for tests, able to write what honest tools refuse to (names with `..`,
// duplicate names, forged sizes, wrong CRCs, truncated archives), so the extractor's defences can
// be tried. Entries are stored or deflated; no zip64 (fewer than 65,535 entries under 4 GiB).
import { crc32, deflateRawSync } from "node:zlib";

export interface ZipEntrySpec {
  name: string;
  data?: Uint8Array;
  deflate?: boolean;
  /** Written in place of the real uncompressed size. */
  declaredSize?: number;
  /** Written in place of the real CRC-32. */
  crc?: number;
}

const UTF8_NAMES = 0x0800;

export function zipArchive(entries: readonly ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const data = Buffer.from(spec.data ?? new Uint8Array());
    const stored = spec.deflate ? deflateRawSync(data) : data;
    const name = Buffer.from(spec.name, "utf8");
    const fields = {
      method: spec.deflate ? 8 : 0,
      crc: spec.crc ?? crc32(data),
      compressedSize: stored.length,
      size: spec.declaredSize ?? data.length,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeCommonFields(local, 4, fields);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    writeCommonFields(central, 6, fields);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// version needed, flags, method, time, date, crc, sizes: the same in local and central headers.
function writeCommonFields(header: Buffer, at: number, fields: { method: number; crc: number; compressedSize: number; size: number }) {
  header.writeUInt16LE(20, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(fields.method, at + 4);
  header.writeUInt16LE(0, at + 6);
  header.writeUInt16LE(0x21, at + 8);
  header.writeUInt32LE(fields.crc >>> 0, at + 10);
  header.writeUInt32LE(fields.compressedSize, at + 14);
  header.writeUInt32LE(fields.size, at + 18);
}
