// The document routes' SQL, run as the caller (RLS decides what exists). Responses that carry
// NDI documents are built as JSON text by Postgres from the stored jsonb, so numbers leave with
// the digits they were stored with (gateway/documents/ndi-json.ts).
import type postgres from "postgres";

type Tx = postgres.TransactionSql;

export interface DocumentSummaryRow {
  id: string;
  _id: string;
  ndiId: string | null;
  name: string | null;
  className: string | null;
  datasetId: string;
}

const summaryColumns = (tx: Tx) =>
  tx`d.id, d.id as "_id", d.ndi_id as "ndiId", d.name, d.class_name as "className", d.dataset_id as "datasetId"`;

/** jsonb of a document's summary, for responses Postgres renders itself. */
const summaryObject = (tx: Tx) =>
  tx`jsonb_build_object('id', d.id, '_id', d.id, 'ndiId', d.ndi_id, 'name', d.name, 'className', d.class_name, 'datasetId', d.dataset_id)`;

/** R33/R34: the NDI document's fields hoisted to the top, the server's ids over them, and `data`. */
const fullDocumentText = (tx: Tx) => tx`(d.data || ${summaryObject(tx)} || jsonb_build_object('data', d.data))::text`;

/** The live document count of a readable dataset, or undefined when the caller cannot read it. */
export async function readableDatasetDocumentCount(tx: Tx, datasetId: string): Promise<number | undefined> {
  const [row] = await tx<{ count: number }[]>`select document_count as count from public.datasets where id = ${datasetId}`;
  return row?.count;
}

export function listDocuments(tx: Tx, datasetId: string, limit: number, offset: number) {
  return tx<DocumentSummaryRow[]>`
    select ${summaryColumns(tx)} from public.documents d
    where d.dataset_id = ${datasetId}
    order by d.id
    limit ${limit} offset ${offset}`;
}

export function classCounts(tx: Tx, datasetId: string) {
  return tx<{ className: string; count: number }[]>`
    select coalesce(nullif(d.class_name, ''), 'unknown') as "className", count(*)::int as count
    from public.documents d
    where d.dataset_id = ${datasetId}
    group by 1`;
}

export async function insertDocument(tx: Tx, datasetId: string, strictJson: string): Promise<DocumentSummaryRow> {
  const [row] = await tx<DocumentSummaryRow[]>`
    insert into public.documents as d (dataset_id, data) values (${datasetId}, ${strictJson}::text::jsonb)
    returning ${summaryColumns(tx)}`;
  return row!;
}

export async function documentText(tx: Tx, datasetId: string, documentId: string): Promise<string | undefined> {
  const [row] = await tx<{ body: string }[]>`
    select ${fullDocumentText(tx)} as body from public.documents d
    where d.id = ${documentId} and d.dataset_id = ${datasetId}`;
  return row?.body;
}

export async function replaceDocument(tx: Tx, datasetId: string, documentId: string, strictJson: string): Promise<string | undefined> {
  const [row] = await tx<{ body: string }[]>`
    update public.documents as d set data = ${strictJson}::text::jsonb
    where d.id = ${documentId} and d.dataset_id = ${datasetId}
    returning ${fullDocumentText(tx)} as body`;
  return row?.body;
}

export async function documentIsReadable(tx: Tx, datasetId: string, documentId: string): Promise<boolean> {
  const rows = await tx`select 1 from public.documents d where d.id = ${documentId} and d.dataset_id = ${datasetId}`;
  return rows.length > 0;
}

/** Soft-deletes (or with 0 seconds purges) live documents; unknown ids are ignored. */
export async function deleteDocuments(tx: Tx, datasetId: string, documentIds: readonly string[], delaySeconds: number): Promise<number> {
  const [row] = await tx<{ affected: number }[]>`
    select public.delete_documents(${datasetId}, ${documentIds as string[]}::text[], make_interval(secs => ${delaySeconds})) as affected`;
  return row!.affected;
}

export async function isSoftDeleted(tx: Tx, datasetId: string, documentId: string): Promise<boolean> {
  const rows = await tx`select 1 from public.deleted_documents(${datasetId}) d where d.id = ${documentId}`;
  return rows.length > 0;
}

export async function countDeletedDocuments(tx: Tx, datasetId: string): Promise<number> {
  const [row] = await tx<{ count: number }[]>`select count(*)::int as count from public.deleted_documents(${datasetId})`;
  return row!.count;
}

export function listDeletedDocuments(tx: Tx, datasetId: string, limit: number, offset: number) {
  return tx<(DocumentSummaryRow & { deletedAt: Date; deleteAfter: Date })[]>`
    select ${summaryColumns(tx)}, d.deleted_at as "deletedAt", d.delete_after as "deleteAfter"
    from public.deleted_documents(${datasetId}) d
    order by d.id
    limit ${limit} offset ${offset}`;
}

/**
 * R40's whole response as JSON text: the readable, live documents among the ids, with `data`.
 * Built as json (text), not jsonb: the documents are copied into the answer once, not rebuilt.
 */
export async function bulkFetchText(tx: Tx, datasetId: string, documentIds: readonly string[]): Promise<string> {
  const [row] = await tx<{ body: string }[]>`
    select json_build_object('documents', coalesce(json_agg(json_build_object(
             'id', d.id, '_id', d.id, 'ndiId', d.ndi_id, 'name', d.name, 'className', d.class_name, 'datasetId', d.dataset_id,
             'data', d.data) order by d.id), '[]'))::text as body
    from public.documents d
    where d.dataset_id = ${datasetId} and d.id = any (${documentIds as string[]}::text[])`;
  return row!.body;
}
