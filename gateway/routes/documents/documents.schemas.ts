// The shapes of the document routes (contract 6.2), the single description of what they accept
// and answer; /v1/openapi.json is generated from them.
import { z } from "@hono/zod-openapi";
import { DEFAULT_WHEN, WHEN_PATTERN } from "../../documents/when.ts";

/** 24-hex ids as clients send them (any case); stored ids are lowercase. */
export const objectIdSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, "must be a 24-hex id")
  .transform((id) => id.toLowerCase());

export const datasetParams = z.object({
  datasetId: objectIdSchema.openapi({ param: { name: "datasetId", in: "path" }, example: "65f0c0ffee0000000000c001" }),
});

export const documentParams = datasetParams.extend({
  documentId: objectIdSchema.openapi({ param: { name: "documentId", in: "path" }, example: "65f0c0ffee0000000000d001" }),
});

export const MAX_PAGE_SIZE = 1000;

/** page (1-based) and pageSize (1…1000, contract 3.3) with a route's own default page size. */
export const pagingQuery = (defaultPageSize: number) =>
  z.object({
    page: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(defaultPageSize).openapi({ example: defaultPageSize }),
  });

export const whenSchema = z
  .string()
  .regex(WHEN_PATTERN, "must be now or a positive number followed by m, h or d (e.g. 30m, 24h, 7d)")
  .default(DEFAULT_WHEN);

/** Every list item carries every key (contract 12.20): absent values are null, never omitted. */
export const documentSummarySchema = z
  .object({
    id: z.string(),
    _id: z.string(),
    ndiId: z.string().nullable(),
    name: z.string().nullable(),
    className: z.string().nullable(),
    datasetId: z.string(),
  })
  .openapi("DocumentSummary");

/** An NDI document (contract 6.1): any JSON object; non-finite numbers as sentinel strings. */
export const ndiDocumentSchema = z
  .record(z.string(), z.unknown())
  .openapi("NdiDocument", { description: "The NDI document JSON (base, document_class, depends_on, files, property blocks)." });

/** Single document (R33, R34): the NDI document's fields at top level, the ids, and `data`. */
export const fullDocumentSchema = documentSummarySchema
  .extend({ data: ndiDocumentSchema })
  .catchall(z.unknown())
  .openapi("Document");

/** A page of a document list (R31, R36): the items, the full count and the paging echoed. */
const documentPage = <Item extends z.ZodType>(item: Item, name: string) =>
  z
    .object({ documents: z.array(item), totalNumber: z.number().int(), page: z.number().int(), pageSize: z.number().int() })
    .openapi(name);

export const documentListSchema = documentPage(documentSummarySchema, "DocumentList");

export const deletedDocumentSchema = documentSummarySchema
  .extend({ deletedAt: z.string(), deleteAfter: z.string() })
  .openapi("DeletedDocument");

export const deletedDocumentListSchema = documentPage(deletedDocumentSchema, "DeletedDocumentList");

export const documentCountSchema = z.object({ datasetId: z.string(), count: z.number().int() }).openapi("DocumentCount");

export const classCountsSchema = z
  .object({
    datasetId: z.string(),
    totalDocuments: z.number().int(),
    classCounts: z.record(z.string(), z.number().int()),
  })
  .openapi("DocumentClassCounts");

export const messageSchema = z.object({ message: z.string() }).openapi("Message");

export const bulkDeleteBodySchema = z.object({
  documentIds: z.array(objectIdSchema).max(MAX_PAGE_SIZE),
  when: whenSchema,
});

export const bulkDeleteResultSchema = messageSchema.extend({ deletedCount: z.number().int() }).openapi("BulkDeleteResult");

export const MAX_BULK_FETCH_IDS = 500;

export const bulkFetchBodySchema = z.object({
  documentIds: z.array(objectIdSchema).min(1).max(MAX_BULK_FETCH_IDS),
});

export const bulkFetchResultSchema = z
  .object({ documents: z.array(documentSummarySchema.extend({ data: ndiDocumentSchema })) })
  .openapi("BulkFetchResult");

export const bulkUploadUrlSchema = z
  .object({
    url: z.string().openapi({ description: "Signed URL: PUT the zip (no Authorization header, any Content-Type); answers 200" }),
    jobId: z.string().openapi({ description: "The ingesting job (public.jobs): its state, progress and error" }),
  })
  .openapi("DocumentBulkUploadUrl");

/** R39: ids to zip (ML sends "" for none and duplicates single ids); none at all means every document. */
export const bulkDownloadBodySchema = z.object({
  documentIds: z.array(z.union([z.literal(""), objectIdSchema])).max(10_000).default([]),
});

export const bulkDownloadResultSchema = z
  .object({
    url: z.string().openapi({ description: "GET it (no Authorization) until it answers 200 with the zip; 404 while the zip is being made" }),
    jobId: z.string(),
  })
  .openapi("BulkDownloadUrl");

export const documentDownloadParams = z.object({
  jobId: objectIdSchema.openapi({ param: { name: "jobId", in: "path" } }),
});

export const documentDownloadQuery = z.object({ token: z.string().min(1) });

/** R33's encoding of non-finite numbers: bare tokens (default) or the sentinel strings. */
export const nonFiniteQuery = z.object({
  nonFinite: z
    .enum(["tokens", "sentinels"])
    .default("tokens")
    .openapi({
      description:
        "How NaN/Infinity/-Infinity are written: `tokens` (default; bare NaN, Infinity, -Infinity as MATLAB's jsondecode and Python's json.loads read them) or `sentinels` (strict JSON: \"__NDI__NaN__\", \"__NDI__Infinity__\", \"__NDI__-Infinity__\").",
    }),
});
