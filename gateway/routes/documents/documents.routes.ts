// Documents of a dataset: contract R29–R37 and R40 (section 6). Bodies are read by jsonBody():
// any Content-Type (MATLAB labels JSON as form data), MATLAB's bare NaN/Infinity tokens allowed.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { jsonBody } from "../../middleware/json-body.ts";
import {
  bulkDeleteBodySchema,
  bulkDeleteResultSchema,
  bulkDownloadBodySchema,
  bulkDownloadResultSchema,
  bulkFetchBodySchema,
  bulkFetchResultSchema,
  bulkUploadUrlSchema,
  classCountsSchema,
  datasetParams,
  deletedDocumentListSchema,
  documentCountSchema,
  documentDownloadParams,
  documentDownloadQuery,
  documentListSchema,
  documentParams,
  documentSummarySchema,
  fullDocumentSchema,
  messageSchema,
  ndiDocumentSchema,
  nonFiniteQuery,
  pagingQuery,
  whenSchema,
} from "./documents.schemas.ts";

const TAGS = ["Documents"];

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const documentBody = {
  required: true,
  description: "The NDI document JSON, whatever the Content-Type says; bare NaN, Infinity and -Infinity are accepted.",
  content: { "application/json": { schema: ndiDocumentSchema } },
};

const errors = {
  400: errorResponse("Malformed id, query or body"),
  401: errorResponse("The bearer token is not valid"),
  404: errorResponse("No such dataset or document, or the caller may not read it"),
};

const writeErrors = {
  ...errors,
  403: errorResponse("The caller may read the dataset but not change its documents"),
  409: errorResponse("The dataset is published: unpublish it (or branch) to change its documents"),
  413: errorResponse("The body is larger than the gateway accepts"),
};

export const documentCount = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/document-count",
  tags: TAGS,
  summary: "Number of live documents (R29)",
  request: { params: datasetParams },
  responses: { 200: json(documentCountSchema, "The count"), ...errors },
});

export const documentClassCounts = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/document-class-counts",
  tags: TAGS,
  summary: "Live documents per leaf class name (R30)",
  description: "Documents without a class name count as `unknown`; the values sum to `totalDocuments`.",
  request: { params: datasetParams },
  responses: { 200: json(classCountsSchema, "The counts"), ...errors },
});

export const listDocuments = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/documents",
  tags: TAGS,
  summary: "Live documents, in creation order (R31)",
  description: "Ascending id, so pages stay stable and disjoint while documents are added.",
  request: { params: datasetParams, query: pagingQuery(1000) },
  responses: { 200: json(documentListSchema, "A page of document summaries"), ...errors },
});

export const addDocument = createRoute({
  method: "post",
  path: "/datasets/{datasetId}/documents",
  tags: TAGS,
  summary: "Add a document (R32)",
  description: "Duplicate NDI ids are accepted (contract R32). Visible to count, list and get at once.",
  middleware: [jsonBody()] as const,
  request: { params: datasetParams, body: documentBody },
  responses: { 201: json(documentSummarySchema, "The new document's ids and derived fields"), ...writeErrors },
});

export const listDeletedDocuments = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/documents/deleted",
  tags: TAGS,
  summary: "Soft-deleted documents not yet purged (R36)",
  request: { params: datasetParams, query: pagingQuery(1000) },
  responses: { 200: json(deletedDocumentListSchema, "A page of deleted documents"), ...writeErrors },
});

export const bulkDeleteDocuments = createRoute({
  method: "post",
  path: "/datasets/{datasetId}/documents/bulk-delete",
  tags: TAGS,
  summary: "Delete up to 1000 documents (R37)",
  description: "`when`: `now` purges, `<n>m|h|d` soft-deletes until then (default 7d). Unknown ids are ignored.",
  middleware: [jsonBody()] as const,
  request: { params: datasetParams, body: { required: true, content: { "application/json": { schema: bulkDeleteBodySchema } } } },
  responses: { 200: json(bulkDeleteResultSchema, "How many documents were deleted"), ...writeErrors },
});

export const bulkFetchDocuments = createRoute({
  method: "post",
  path: "/datasets/{datasetId}/documents/bulk-fetch",
  tags: TAGS,
  summary: "Fetch 1–500 documents with their JSON (R40)",
  description:
    "Duplicate ids give one entry; unknown, deleted and other datasets' ids are omitted. Non-finite numbers as sentinel strings.",
  middleware: [jsonBody()] as const,
  request: { params: datasetParams, body: { required: true, content: { "application/json": { schema: bulkFetchBodySchema } } } },
  responses: { 200: json(bulkFetchResultSchema, "The documents found"), ...errors },
});

export const bulkUploadDocuments = createRoute({
  method: "post",
  path: "/datasets/{datasetId}/documents/bulk-upload",
  tags: TAGS,
  summary: "Upload URL for a zip of documents (R38)",
  description:
    "No body is read (PY posts none, ML an empty one). PUT a zip of `.json` entries (each a JSON array of documents or one document; bare NaN/Infinity allowed) " +
    "to `url`; the job starts when it lands and adds every document, or none: one refused document fails the job, naming each bad document's entry and index.",
  request: { params: datasetParams },
  responses: { 200: json(bulkUploadUrlSchema, "Where to PUT the zip, and its job"), ...writeErrors },
});

export const bulkDownloadDocuments = createRoute({
  method: "post",
  path: "/datasets/{datasetId}/documents/bulk-download",
  tags: TAGS,
  summary: "Zip the documents for download (R39)",
  description:
    "Queues a job that writes one `documents.json` (a JSON array of the stored documents, one per NDI id, NaN/Infinity as sentinel strings) into a zip. " +
    "No ids (or only empty strings) means every document of the dataset.",
  middleware: [jsonBody()] as const,
  request: { params: datasetParams, body: { content: { "application/json": { schema: bulkDownloadBodySchema } } } },
  responses: { 200: json(bulkDownloadResultSchema, "Where the zip will be"), ...writeErrors },
});

export const documentDownload = createRoute({
  method: "get",
  path: "/document-downloads/{jobId}",
  tags: TAGS,
  summary: "The zip of a bulk download (R39's url)",
  description: "Redirects to a signed Storage URL once the zip is written; 404 until then. The token in the URL is the credential.",
  security: [],
  request: { params: documentDownloadParams, query: documentDownloadQuery },
  responses: {
    302: { description: "The zip is ready: Location is a signed URL to it" },
    400: errorResponse("Malformed job id or missing token"),
    404: errorResponse("Not ready yet, failed, or no such download"),
  },
});

export const getDocument = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/documents/{documentId}",
  tags: TAGS,
  summary: "One document (R33)",
  description:
    "The NDI document's fields at top level plus `id`, `_id`, `ndiId`, `name`, `className`, `datasetId` and `data` (the document). " +
    "Non-finite numbers are bare tokens unless `nonFinite=sentinels` asks for strict JSON.",
  request: { params: documentParams, query: nonFiniteQuery },
  responses: { 200: json(fullDocumentSchema, "The document"), ...errors },
});

const replaceDocumentRoute = (method: "post" | "put") =>
  createRoute({
    method,
    path: "/datasets/{datasetId}/documents/{documentId}",
    tags: TAGS,
    summary: method === "post" ? "Replace a document (R34)" : "Replace a document (R34; PUT as the older Python client sends it)",
    middleware: [jsonBody()] as const,
    request: { params: documentParams, body: documentBody },
    responses: { 200: json(fullDocumentSchema, "The document as stored now (sentinel strings)"), ...writeErrors },
  });

export const replaceDocument = replaceDocumentRoute("post");
export const replaceDocumentPut = replaceDocumentRoute("put");

export const deleteDocument = createRoute({
  method: "delete",
  path: "/datasets/{datasetId}/documents/{documentId}",
  tags: TAGS,
  summary: "Delete a document (R35)",
  description: "`when`: `now` purges, `<n>m|h|d` soft-deletes until then (default 7d). Deleting again is harmless.",
  request: { params: documentParams, query: z.object({ when: whenSchema }) },
  responses: { 200: json(messageSchema, "Deleted"), ...writeErrors },
});

export type DocumentCountRoute = typeof documentCount;
export type DocumentClassCountsRoute = typeof documentClassCounts;
export type ListDocumentsRoute = typeof listDocuments;
export type AddDocumentRoute = typeof addDocument;
export type ListDeletedDocumentsRoute = typeof listDeletedDocuments;
export type BulkDeleteDocumentsRoute = typeof bulkDeleteDocuments;
export type BulkFetchDocumentsRoute = typeof bulkFetchDocuments;
export type BulkUploadDocumentsRoute = typeof bulkUploadDocuments;
export type BulkDownloadDocumentsRoute = typeof bulkDownloadDocuments;
export type DocumentDownloadRoute = typeof documentDownload;
export type GetDocumentRoute = typeof getDocument;
export type ReplaceDocumentRoute = typeof replaceDocument;
export type DeleteDocumentRoute = typeof deleteDocument;
