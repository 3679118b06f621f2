// What a bulk-upload zip may hold, read from the environment when a job starts. The declared sizes
// are checked before anything is extracted, and yauzl stops any entry whose bytes outgrow its
// declared size, so these bounds hold for what is actually written (zip bombs included).
import { z } from "zod";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const limitsSchema = z.object({
  /** The zip itself. */
  NDI_BULK_UPLOAD_MAX_ZIP_BYTES: count(64 * GiB),
  /** Files in one zip. */
  NDI_BULK_UPLOAD_MAX_ENTRIES: count(100_000),
  /** One file's uncompressed size (the per-file limit). */
  NDI_MAX_FILE_BYTES: count(64 * GiB),
  /** All files of one zip, uncompressed. */
  NDI_BULK_UPLOAD_MAX_TOTAL_BYTES: count(128 * GiB),
  /** Uncompressed : compressed, for files above NDI_BULK_UPLOAD_RATIO_FROM_BYTES. */
  NDI_BULK_UPLOAD_MAX_RATIO: count(200),
  NDI_BULK_UPLOAD_RATIO_FROM_BYTES: count(16 * MiB),
});

export interface ZipLimits {
  maxZipBytes: number;
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxRatio: number;
  ratioFromBytes: number;
}

export function zipLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ZipLimits {
  const parsed = limitsSchema.parse(env);
  return {
    maxZipBytes: parsed.NDI_BULK_UPLOAD_MAX_ZIP_BYTES,
    maxEntries: parsed.NDI_BULK_UPLOAD_MAX_ENTRIES,
    maxEntryBytes: parsed.NDI_MAX_FILE_BYTES,
    maxTotalBytes: parsed.NDI_BULK_UPLOAD_MAX_TOTAL_BYTES,
    maxRatio: parsed.NDI_BULK_UPLOAD_MAX_RATIO,
    ratioFromBytes: parsed.NDI_BULK_UPLOAD_RATIO_FROM_BYTES,
  };
}
