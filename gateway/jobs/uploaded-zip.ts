// The start every bulk-upload job shares (files R43, documents R38): the zip a client PUT to its
// signed URL is sized in Storage before anything is downloaded, so a missing or oversized zip fails
// the job at once; then it is downloaded to a temporary file and its central directory checked as
// a whole (zip-archive.ts: zip bombs, sizes, unsafe names) before any entry is read.
import { join } from "node:path";
import { storedObjectSize } from "../files/extracted-files.ts";
import { downloadObjectToFile, removeObject } from "../files/object-transfer.ts";
import { validateZip } from "../files/zip-archive.ts";
import { zipLimitsFromEnv, type ZipLimits } from "../files/zip-limits.ts";
import { PermanentJobError, type JobContext } from "./task.ts";

export interface UploadedZip {
  datasetId: string;
  limits: ZipLimits;
}

/** The job's dataset and zip limits, once its zip is known to be in Storage and within the limits. */
export async function requireUploadedZip(context: JobContext, zipKey: string): Promise<UploadedZip> {
  const datasetId = context.job.datasetId;
  if (!datasetId || !zipKey.startsWith(`${datasetId}/`)) throw new PermanentJobError("The dataset of this upload no longer exists");

  const limits = zipLimitsFromEnv();
  const zipSize = await context.runAsServiceRole((tx) => storedObjectSize(tx, zipKey));
  if (zipSize === undefined) throw new PermanentJobError("No zip was uploaded before the upload URL expired");
  if (zipSize > limits.maxZipBytes) {
    await removeObject(context.supabase, zipKey);
    throw new PermanentJobError(`The zip is larger than ${limits.maxZipBytes} bytes`);
  }
  return { datasetId, limits };
}

/** Downloads the zip into workDir and checks its directory (InvalidZipError when refused): its path and file count. */
export async function downloadCheckedZip(context: JobContext, zipKey: string, workDir: string, limits: ZipLimits) {
  const zipPath = join(workDir, "upload.zip");
  await downloadObjectToFile(context.supabase, zipKey, zipPath, context.signal);
  const totalFiles = await validateZip(zipPath, limits);
  return { zipPath, totalFiles };
}
