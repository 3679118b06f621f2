import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { isStorableUid } from "../../files/object-keys.ts";

// Path values arrive percent-encoded (contract 2); the router decodes them, so `..%2Fx` is the uid `../x`.
const uidParam = z
  .string()
  .refine(isStorableUid, "uid must be a non-empty string short enough for a Storage object key")
  .openapi({ param: { name: "uid", in: "path" }, example: "4126945b0315ec90_c0d16626cae2dacf" });
export const datasetIdParam = z.string().openapi({ param: { name: "datasetId", in: "path" }, example: "65f0c0ffee0000000000c001" });
export const organizationIdParam = z
  .string()
  .openapi({ param: { name: "organizationId", in: "path" }, description: "Not checked: permissions follow the dataset (contract 12.11)" });

export const uploadUrlSchema = z
  .object({ url: z.string().url().openapi({ description: "Signed URL: PUT the raw bytes, no Authorization header; answers 200" }) })
  .openapi("FileUploadUrl");

export const fileDetailSchema = z
  .object({
    uid: z.string(),
    datasetId: z.string(),
    downloadUrl: z.string().url().openapi({ description: "Signed URL answering GET, HEAD and Range requests; valid for an hour" }),
    uploaded: z.literal(true),
    size: z.number().int().nonnegative(),
    eTag: z.string().nullable().openapi({ description: "Storage's entity tag of the bytes (MD5 for single-part uploads)" }),
    sha256: z
      .string()
      .nullable()
      .openapi({ description: "SHA-256 (hex) of the bytes when the server computed it (files extracted from bulk uploads); null for single-file uploads" }),
    contentType: z.string().nullable(),
    uploadedAt: z.string().openapi({ example: "2026-03-15T14:30:05.123Z" }),
    sourceDatasetId: z.string().nullable().openapi({ description: "The dataset holding the bytes when it is not this one (a branch's parent)" }),
  })
  .openapi("FileDetail");

export const getFileUploadUrl = createRoute({
  method: "get",
  path: "/datasets/{organizationId}/{datasetId}/files/{uid}",
  tags: ["Files"],
  summary: "Signed upload URL for one file (R42)",
  description:
    "Adds no file entry: the uid appears in the dataset's `files` once the PUT has completed. A new PUT replaces the bytes.",
  request: { params: z.object({ organizationId: organizationIdParam, datasetId: datasetIdParam, uid: uidParam }) },
  responses: {
    200: { description: "The upload URL", content: { "application/json": { schema: uploadUrlSchema } } },
    400: errorResponse("The uid cannot be stored"),
    401: errorResponse("No valid bearer token"),
    403: errorResponse("The caller may read the dataset but not upload to it (viewer, published dataset)"),
    404: errorResponse("No such dataset, or not the caller's"),
  },
});

export const getFileDetail = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/files/{uid}/detail",
  tags: ["Files"],
  summary: "An uploaded file and its download URL (R44)",
  description: "Anonymous callers may read files of published datasets.",
  request: { params: z.object({ datasetId: datasetIdParam, uid: uidParam }) },
  responses: {
    200: { description: "The file", content: { "application/json": { schema: fileDetailSchema } } },
    400: errorResponse("The uid cannot be stored"),
    401: errorResponse("A bearer token was sent but is not valid"),
    404: errorResponse("No such dataset or file, the file's upload has not completed, or the dataset is not readable"),
  },
});

export type GetFileUploadUrlRoute = typeof getFileUploadUrl;
export type GetFileDetailRoute = typeof getFileDetail;
