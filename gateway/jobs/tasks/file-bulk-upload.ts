// `file_bulk_upload` jobs (R43, R45, R46): extracting a zip of data files into the dataset. The job
// runs when its zip lands, or at its deadline when it never did (file_bulk_uploads migration).
//
// The zip is streamed to a temporary file and its central directory checked as a whole first
// (names, duplicates, sizes, zip bombs: zip-archive.ts), so an archive refused for those reasons
// writes nothing. Then each entry is streamed to disk, checked against its CRC-32, PUT as object
// `<datasetId>/<encoded uid>` (replacing any earlier bytes), and only then listed in the dataset's
// files with its SHA-256: a file is never visible half-written. Entry data found corrupt midway
// fails the job there; the files before it stay, complete and verified, and the error says so.
// Memory stays flat whatever the sizes: entries stream out one at a time, and a few extracted ones
// wait on disk while they are stored.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { boundedPool } from "../../files/bounded-pool.ts";
import { registerExtractedFile } from "../../files/extracted-files.ts";
import { fileObjectKey } from "../../files/object-keys.ts";
import { removeObject, uploadFileToObject } from "../../files/object-transfer.ts";
import { forEachZipFile, InvalidZipError, type ExtractedFile } from "../../files/zip-archive.ts";
import { defineJobTask, PermanentJobError, type JobContext } from "../task.ts";
import { downloadCheckedZip, requireUploadedZip } from "../uploaded-zip.ts";

const paramsSchema = z.object({ objectKey: z.string().regex(/^[0-9a-f]{24}\/bulk-uploads\/[^/]+\.zip$/) });

// Entries are extracted one at a time but stored several at once: each store is a few round trips.
const UPLOAD_CONCURRENCY = 8;
// Progress is written at most this often (a zip of many small files would otherwise write a row per file).
const PROGRESS_INTERVAL_MS = 500;

export const fileBulkUploadTask = defineJobTask({
  kind: "file_bulk_upload",
  maxAttempts: 3,
  async run(context) {
    const { objectKey: zipKey } = paramsSchema.parse(context.job.params);
    const { datasetId, limits } = await requireUploadedZip(context, zipKey);

    const workDir = await mkdtemp(join(tmpdir(), "ndi-bulk-upload-"));
    const extracted = { files: 0 };
    try {
      const { zipPath, totalFiles } = await downloadCheckedZip(context, zipKey, workDir, limits);
      await context.progress(0, totalFiles);
      await extractInto(context, { datasetId, zipPath, workDir }, extracted);
      await context.progress(extracted.files);
    } catch (error) {
      if (!(error instanceof InvalidZipError)) throw error;
      await context.progress(extracted.files);
      await removeObject(context.supabase, zipKey);
      const before = extracted.files > 0 ? ` (files extracted before it: ${extracted.files})` : "";
      throw new PermanentJobError(`The zip cannot be extracted: ${error.message}${before}`);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    await removeObject(context.supabase, zipKey);
    context.logger.info({ datasetId, filesExtracted: extracted.files }, "extracted a bulk upload");
    return { filesExtracted: extracted.files };
  },
});

async function extractInto(
  context: JobContext,
  target: { datasetId: string; zipPath: string; workDir: string },
  extracted: { files: number },
): Promise<void> {
  const uploads = boundedPool(UPLOAD_CONCURRENCY);
  let entries = 0;
  let progressAt = Date.now();
  try {
    await forEachZipFile(target.zipPath, async (file) => {
      context.signal.throwIfAborted();
      const path = join(target.workDir, `entry-${entries++}`);
      const digest = await file.extractTo(path);
      await uploads.add(async () => {
        try {
          await storeExtractedFile(context, { datasetId: target.datasetId, uid: file.uid, path, digest });
        } finally {
          await rm(path, { force: true });
        }
        extracted.files += 1;
      });
      if (Date.now() - progressAt >= PROGRESS_INTERVAL_MS) {
        progressAt = Date.now();
        await context.progress(extracted.files);
      }
    });
  } finally {
    await uploads.settled();
  }
  uploads.throwIfFailed();
}

/** Writes the object, then lists the file: it is never visible before its bytes are complete. */
async function storeExtractedFile(
  context: JobContext,
  file: { datasetId: string; uid: string; path: string; digest: ExtractedFile },
): Promise<void> {
  const objectKey = fileObjectKey(file.datasetId, file.uid);
  await uploadFileToObject(context.supabase, file.path, objectKey, context.signal);
  const registered = await context.runAsServiceRole((tx) =>
    registerExtractedFile(tx, { jobId: context.job.id, datasetId: file.datasetId, uid: file.uid, objectKey, digest: file.digest }),
  );
  if (!registered) throw new Error(`the object of file "${file.uid}" disappeared while it was registered`);
}
