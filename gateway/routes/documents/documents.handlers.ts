import { randomUUID } from "node:crypto";
import type { z } from "@hono/zod-openapi";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { AppRouteHandler } from "../../app/types.ts";
import { withBareNonFiniteTokens } from "../../documents/ndi-json.ts";
import { purgeDelaySeconds } from "../../documents/when.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { bulkUploadObjectKey } from "../../files/object-keys.ts";
import { signedDownloadUrl, signedUploadUrl } from "../../files/storage.ts";
import { enqueueJob } from "../../jobs/enqueue.ts";
import type { RunAsCaller } from "../../middleware/database.ts";
import { DATASET_NOT_FOUND, DOCUMENT_NOT_FOUND } from "../../errors/not-found.ts";
import { mapDocumentErrors } from "./documents.errors.ts";
import * as queries from "./documents.queries.ts";
import { bulkFetchResultSchema, fullDocumentSchema } from "./documents.schemas.ts";
import type * as routes from "./documents.routes.ts";

type Tx = Parameters<Parameters<RunAsCaller>[0]>[0];

/**
 * A 200 whose JSON body Postgres rendered as text (numbers exactly as stored), typed as the body
 * the route declares: the SQL builds that shape, and the contract tests check it against the schema.
 */
function jsonText<Schema extends z.ZodType>(c: Context, text: string, _declared: Schema) {
  return c.body(text, 200, { "Content-Type": "application/json; charset=utf-8" }) as unknown as TypedResponse<
    JSONParsed<z.output<Schema>>,
    200,
    "json"
  >;
}

/** Runs `work` on a dataset the caller can read (404 otherwise), passing its live document count. */
function inReadableDataset<T>(c: Context, datasetId: string, work: (tx: Tx, documentCount: number) => Promise<T>): Promise<T> {
  return mapDocumentErrors(() =>
    (c.var.db as RunAsCaller)(async (tx) => {
      const count = await queries.readableDatasetDocumentCount(tx, datasetId);
      if (count === undefined) throw httpErrors.notFound(DATASET_NOT_FOUND);
      return work(tx, count);
    }),
  );
}

const offsetOf = ({ page, pageSize }: { page: number; pageSize: number }) => (page - 1) * pageSize;

export const documentCount: AppRouteHandler<routes.DocumentCountRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const count = await inReadableDataset(c, datasetId, async (_, documentCount) => documentCount);
  return c.json({ datasetId, count }, 200);
};

export const documentClassCounts: AppRouteHandler<routes.DocumentClassCountsRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const rows = await inReadableDataset(c, datasetId, (tx) => queries.classCounts(tx, datasetId));
  const classCounts = Object.fromEntries(rows.map((row) => [row.className, row.count]));
  const totalDocuments = rows.reduce((sum, row) => sum + row.count, 0);
  return c.json({ datasetId, totalDocuments, classCounts }, 200);
};

export const listDocuments: AppRouteHandler<routes.ListDocumentsRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const paging = c.req.valid("query");
  const { documents, totalNumber } = await inReadableDataset(c, datasetId, async (tx, totalNumber) => ({
    documents: await queries.listDocuments(tx, datasetId, paging.pageSize, offsetOf(paging)),
    totalNumber,
  }));
  return c.json({ documents, totalNumber, ...paging }, 200);
};

export const addDocument: AppRouteHandler<routes.AddDocumentRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  c.req.valid("json"); // an object: the schema has said so; what is stored is the exact text
  const strictJson = await c.req.text();
  const summary = await inReadableDataset(c, datasetId, (tx) => queries.insertDocument(tx, datasetId, strictJson));
  return c.json(summary, 201);
};

export const getDocument: AppRouteHandler<routes.GetDocumentRoute> = async (c) => {
  const { datasetId, documentId } = c.req.valid("param");
  const { nonFinite } = c.req.valid("query");
  const text = await mapDocumentErrors(() => c.var.db((tx) => queries.documentText(tx, datasetId, documentId)));
  if (text === undefined) throw httpErrors.notFound(DOCUMENT_NOT_FOUND);
  return jsonText(c, nonFinite === "tokens" ? withBareNonFiniteTokens(text) : text, fullDocumentSchema);
};

export const replaceDocument: AppRouteHandler<routes.ReplaceDocumentRoute> = async (c) => {
  const { datasetId, documentId } = c.req.valid("param");
  c.req.valid("json");
  const strictJson = await c.req.text();
  const text = await mapDocumentErrors(() =>
    c.var.db(async (tx) => {
      const replaced = await queries.replaceDocument(tx, datasetId, documentId, strictJson);
      if (replaced !== undefined) return replaced;
      // RLS hid the row from the update: either it does not exist for the caller, or it is read-only.
      if (await queries.documentIsReadable(tx, datasetId, documentId)) {
        throw httpErrors.forbidden("You may not change documents of this dataset");
      }
      throw httpErrors.notFound(DOCUMENT_NOT_FOUND);
    }),
  );
  return jsonText(c, text, fullDocumentSchema);
};

export const deleteDocument: AppRouteHandler<routes.DeleteDocumentRoute> = async (c) => {
  const { datasetId, documentId } = c.req.valid("param");
  const { when } = c.req.valid("query");
  await mapDocumentErrors(() =>
    c.var.db(async (tx) => {
      if (await queries.deleteDocuments(tx, datasetId, [documentId], purgeDelaySeconds(when))) return;
      if (!(await queries.isSoftDeleted(tx, datasetId, documentId))) throw httpErrors.notFound(DOCUMENT_NOT_FOUND);
    }),
  );
  const message = when === "now" ? `Document ${documentId} deleted` : `Document ${documentId} deleted; it is purged after ${when}`;
  return c.json({ message }, 200);
};

export const listDeletedDocuments: AppRouteHandler<routes.ListDeletedDocumentsRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const paging = c.req.valid("query");
  const { rows, totalNumber } = await mapDocumentErrors(() =>
    c.var.db(async (tx) => ({
      totalNumber: await queries.countDeletedDocuments(tx, datasetId),
      rows: await queries.listDeletedDocuments(tx, datasetId, paging.pageSize, offsetOf(paging)),
    })),
  );
  const documents = rows.map(({ deletedAt, deleteAfter, ...summary }) => ({
    ...summary,
    deletedAt: deletedAt.toISOString(),
    deleteAfter: deleteAfter.toISOString(),
  }));
  return c.json({ documents, totalNumber, ...paging }, 200);
};

export const bulkDeleteDocuments: AppRouteHandler<routes.BulkDeleteDocumentsRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const { documentIds, when } = c.req.valid("json");
  const deletedCount = await mapDocumentErrors(() =>
    c.var.db((tx) => queries.deleteDocuments(tx, datasetId, [...new Set(documentIds)], purgeDelaySeconds(when))),
  );
  return c.json({ message: `${deletedCount} document(s) deleted`, deletedCount }, 200);
};

export const bulkFetchDocuments: AppRouteHandler<routes.BulkFetchDocumentsRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const { documentIds } = c.req.valid("json");
  const text = await inReadableDataset(c, datasetId, (tx) => queries.bulkFetchText(tx, datasetId, [...new Set(documentIds)]));
  return jsonText(c, text, bulkFetchResultSchema);
};

// The job is queued in the transaction that signs the URL: no URL without its job.
export const bulkUploadDocuments: AppRouteHandler<routes.BulkUploadDocumentsRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const objectKey = bulkUploadObjectKey(datasetId, "document-uploads");
  const body = await inReadableDataset(c, datasetId, async (tx) => {
    const job = await enqueueJob(tx, { kind: "document_bulk_upload", datasetId, params: { objectKey } });
    return { url: await signedUploadUrl(c.var.supabaseAsCaller(), objectKey), jobId: job.id };
  });
  return c.json(body, 200);
};

export const bulkDownloadDocuments: AppRouteHandler<routes.BulkDownloadDocumentsRoute> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const documentIds = [...new Set(c.req.valid("json").documentIds.filter((id) => id !== ""))];
  const token = randomUUID();
  const job = await inReadableDataset(c, datasetId, (tx) =>
    enqueueJob(tx, {
      kind: "document_bulk_download",
      datasetId,
      params: { documentIds: documentIds.length ? documentIds : null, objectKey: `${datasetId}/document-downloads/${token}.zip`, token },
    }),
  );
  // The API base as this request reached it (…/v1), whatever proxy prefix is in front.
  const apiBase = c.req.url.slice(0, c.req.url.indexOf("/datasets/"));
  return c.json({ url: `${apiBase}/document-downloads/${job.id}?token=${token}`, jobId: job.id }, 200);
};

export const documentDownload: AppRouteHandler<routes.DocumentDownloadRoute> = async (c) => {
  const { jobId } = c.req.valid("param");
  const { token } = c.req.valid("query");
  const [download] = await c.var.db(
    (tx) => tx<{ state: string; objectKey: string | null; error: string | null }[]>`
      select state, object_key as "objectKey", error from public.document_download(${jobId}, ${token})`,
  );
  if (download?.state === "failed") throw httpErrors.notFound(`The download failed: ${download.error ?? "unknown error"}`);
  // The token has been checked: signing as the service role hands out only this zip.
  const url = download?.objectKey ? await signedDownloadUrl(c.var.supabaseAsServiceRole(), download.objectKey) : undefined;
  if (!url) throw httpErrors.notFound("The download is not ready yet");
  return c.redirect(url, 302);
};
