import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { BULK_UPLOAD_FILTERS, BULK_UPLOAD_STATES } from "../../files/bulk-upload-jobs.ts";
import { datasetIdParam, organizationIdParam } from "../files/files.routes.ts";

const timestamp = z.string().openapi({ example: "2026-03-15T14:30:05.123Z" });

export const bulkUploadJobSchema = z
  .object({
    jobId: z.string(),
    datasetId: z.string().nullable().openapi({ description: "null once the dataset has been purged" }),
    state: z.enum(BULK_UPLOAD_STATES),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    filesExtracted: z.number().int().nonnegative(),
    totalFiles: z.number().int().nonnegative().nullable(),
    error: z.string().nullable().openapi({ description: "Why the job failed" }),
  })
  .openapi("BulkUploadJob");

export const bulkUploadUrlSchema = z
  .object({
    url: z.string().url().openapi({ description: "Signed URL: PUT the zip, no Authorization header; answers 200" }),
    jobId: z.string(),
  })
  .openapi("BulkUploadUrl");

const bulkUploadUrlRoute = (method: "get" | "post") =>
  createRoute({
    method,
    path: "/datasets/{organizationId}/{datasetId}/files/bulk",
    tags: ["Files"],
    summary: `Signed upload URL for a zip of files, and its job (R43, ${method.toUpperCase()})`,
    description:
      "The job exists at once, `queued`; once the zip has landed it is extracted, each entry becoming the file whose uid is the entry's base name.",
    request: { params: z.object({ organizationId: organizationIdParam, datasetId: datasetIdParam }) },
    responses: {
      200: { description: "The upload URL and the job", content: { "application/json": { schema: bulkUploadUrlSchema } } },
      401: errorResponse("No valid bearer token"),
      403: errorResponse("The caller may read the dataset but not upload to it"),
      404: errorResponse("No such dataset, or not the caller's"),
    },
  });

// MATLAB GETs, NDI-python's getBulkUploadURL POSTs with no body (contract 12.13).
export const getBulkUploadUrl = bulkUploadUrlRoute("get");
export const postBulkUploadUrl = bulkUploadUrlRoute("post");

export const getBulkUpload = createRoute({
  method: "get",
  path: "/bulk-uploads/{jobId}",
  tags: ["Files"],
  summary: "A file bulk-upload job (R45)",
  request: { params: z.object({ jobId: z.string().openapi({ param: { name: "jobId", in: "path" } }) }) },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: bulkUploadJobSchema } } },
    401: errorResponse("No valid bearer token"),
    404: errorResponse("No such job, or not the caller's"),
  },
});

export const listBulkUploads = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/bulk-uploads",
  tags: ["Files"],
  summary: "A dataset's file bulk-upload jobs, newest first (R46)",
  request: {
    params: z.object({ datasetId: datasetIdParam }),
    query: z.object({
      state: z
        .enum(BULK_UPLOAD_FILTERS)
        .default("active")
        .openapi({ description: "`active` = queued or extracting; failed jobs stay listed under `all` and `failed`" }),
    }),
  },
  responses: {
    200: {
      description: "The jobs",
      content: {
        "application/json": {
          schema: z.object({ datasetId: z.string(), jobs: z.array(bulkUploadJobSchema) }).openapi("BulkUploadJobList"),
        },
      },
    },
    400: errorResponse("Unknown state filter"),
    401: errorResponse("No valid bearer token"),
    404: errorResponse("No such dataset, or not the caller's"),
  },
});

export type BulkUploadUrlRoute = typeof getBulkUploadUrl | typeof postBulkUploadUrl;
export type GetBulkUploadRoute = typeof getBulkUpload;
export type ListBulkUploadsRoute = typeof listBulkUploads;
