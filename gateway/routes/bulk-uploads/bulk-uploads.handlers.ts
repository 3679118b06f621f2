import type { AppRouteHandler } from "../../app/types.ts";
import { mapDatabaseErrors } from "../../db/errors.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { DATASET_NOT_FOUND } from "../../errors/not-found.ts";
import { bulkUploadBody, findBulkUpload, listBulkUploads as listJobs } from "../../files/bulk-upload-jobs.ts";
import { datasetIsVisible } from "../../files/file-records.ts";
import { bulkUploadObjectKey } from "../../files/object-keys.ts";
import { signedUploadUrl } from "../../files/storage.ts";
import { enqueueJob } from "../../jobs/enqueue.ts";
import { rejectAnonymousCaller } from "../../middleware/require-user.ts";
import type { BulkUploadUrlRoute, GetBulkUploadRoute, ListBulkUploadsRoute } from "./bulk-uploads.routes.ts";

// The job is queued in the same transaction that signs the URL: no URL without its job, and the
// job is visible (R45, R46 `active`) as soon as the client has the URL.
export const bulkUploadUrl: AppRouteHandler<BulkUploadUrlRoute> = async (c) => {
  rejectAnonymousCaller(c);
  const { datasetId } = c.req.valid("param");
  const objectKey = bulkUploadObjectKey(datasetId, "bulk-uploads");
  const body = await c.var.db(async (tx) => {
    if (!(await datasetIsVisible(tx, datasetId))) throw httpErrors.notFound(DATASET_NOT_FOUND);
    const job = await mapDatabaseErrors(() => enqueueJob(tx, { kind: "file_bulk_upload", datasetId, params: { objectKey } }), {
      permissionDenied: "forbidden",
    });
    return { url: await signedUploadUrl(c.var.supabaseAsCaller(), objectKey), jobId: job.id };
  });
  return c.json(body, 200);
};

export const getBulkUpload: AppRouteHandler<GetBulkUploadRoute> = async (c) => {
  rejectAnonymousCaller(c);
  const job = await c.var.db((tx) => findBulkUpload(tx, c.req.valid("param").jobId));
  if (!job) throw httpErrors.notFound("Bulk upload job not found");
  return c.json(bulkUploadBody(job), 200);
};

export const listBulkUploads: AppRouteHandler<ListBulkUploadsRoute> = async (c) => {
  rejectAnonymousCaller(c);
  const { datasetId } = c.req.valid("param");
  const jobs = await c.var.db(async (tx) => {
    if (!(await datasetIsVisible(tx, datasetId))) throw httpErrors.notFound(DATASET_NOT_FOUND);
    return listJobs(tx, datasetId, c.req.valid("query").state);
  });
  return c.json({ datasetId, jobs: jobs.map(bulkUploadBody) }, 200);
};
