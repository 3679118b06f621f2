// The dataset routes' SQL, always run as the caller: RLS decides which datasets exist for them.
// One mapping (toDataset) turns a row of public.datasets into the contract's Dataset object.
import type { z } from "@hono/zod-openapi";
import type postgres from "postgres";
import { datasetDetailSchema, type datasetFileSchema, type datasetSchema, type DatasetFields } from "./datasets.schemas.ts";

type Tx = postgres.TransactionSql;
export type Dataset = z.infer<typeof datasetSchema>;
export type DatasetDetail = z.infer<typeof datasetDetailSchema>;
type DatasetFile = z.infer<typeof datasetFileSchema>;

/** public.datasets as postgres.js returns it (bigint columns arrive as strings). */
export interface DatasetRow {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  abstract: string | null;
  branch_name: string | null;
  branch_of: string | null;
  contributors: unknown;
  corresponding_authors: unknown;
  funding: unknown;
  associated_publications: unknown;
  license: string | null;
  doi: string | null;
  species: string | null;
  brain_regions: string | null;
  number_of_subjects: number | null;
  neurons: number | null;
  pub_med_id: string | null;
  affiliation: string | null;
  extra_metadata: Record<string, unknown>;
  is_submitted: boolean;
  submitted_at: Date | null;
  is_published: boolean;
  published_at: Date | null;
  doi_status: Dataset["doiStatus"];
  doi_status_message: string | null;
  document_count: number;
  file_count: number;
  total_size: string | number;
  deleted_at: Date | null;
  delete_after: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toDataset(row: DatasetRow): Dataset {
  return {
    // Fields a client stored beyond the known ones come first, so they can never mask these.
    ...row.extra_metadata,
    id: row.id,
    _id: row.id,
    name: row.name,
    description: row.description,
    abstract: row.abstract,
    organizationId: row.organization_id,
    branchName: row.branch_name,
    branchOf: row.branch_of,
    contributors: row.contributors,
    correspondingAuthors: row.corresponding_authors,
    funding: row.funding,
    associatedPublications: row.associated_publications,
    license: row.license,
    doi: row.doi,
    doiStatus: row.doi_status,
    doiStatusMessage: row.doi_status_message,
    species: row.species,
    brainRegions: row.brain_regions,
    numberOfSubjects: row.number_of_subjects,
    neurons: row.neurons,
    pubMedId: row.pub_med_id,
    affiliation: row.affiliation,
    isSubmitted: row.is_submitted,
    isPublished: row.is_published,
    isDeleted: row.deleted_at !== null,
    publishStatus: row.is_published ? "published" : row.is_submitted ? "submitted" : "unpublished",
    submittedAt: iso(row.submitted_at),
    publishedAt: iso(row.published_at),
    deleteCommandTime: iso(row.deleted_at),
    deleteOccurrenceTime: iso(row.delete_after),
    documentCount: row.document_count,
    fileCount: row.file_count,
    totalSize: Number(row.total_size),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

// ---------------------------------------------------------------- reading

/** GET /datasets/{id}: the dataset with its document ids and landed files; undefined when not readable. */
export async function findDatasetDetail(tx: Tx, datasetId: string): Promise<DatasetDetail | undefined> {
  const [row] = await tx<DatasetRow[]>`select * from public.datasets where id = ${datasetId}`;
  if (!row) return undefined;
  const documents = await tx<{ id: string }[]>`
    select id from public.documents where dataset_id = ${datasetId} order by id`;
  const files = await tx<DatasetFile[]>`
    select uid, uploaded, size::float8 as size, source_dataset_id as "sourceDatasetId"
    from public.files where dataset_id = ${datasetId} and uploaded order by uid`;
  return { ...toDataset(row), documents: documents.map((document) => document.id), files };
}

export async function isDatasetVisible(tx: Tx, datasetId: string): Promise<boolean> {
  const [row] = await tx`select 1 from public.datasets where id = ${datasetId}`;
  return row !== undefined;
}

export interface Page {
  page: number;
  pageSize: number;
}

/** Which datasets a list route shows; RLS narrows each further to what the caller may read. */
export type DatasetListFilter =
  | { kind: "organization"; organizationId: string }
  | { kind: "published" }
  | { kind: "unpublished" }
  | { kind: "branches"; parentId: string }
  | { kind: "deleted" };

const listSource = (tx: Tx, filter: DatasetListFilter) => {
  switch (filter.kind) {
    case "organization":
      return tx`public.datasets d where d.organization_id = ${filter.organizationId}`;
    case "published":
      return tx`public.datasets d where d.is_published`;
    case "unpublished":
      // The review pile (contract R18): submitted, not yet published.
      return tx`public.datasets d where d.is_submitted and not d.is_published`;
    case "branches":
      return tx`public.datasets d where d.branch_of = ${filter.parentId}`;
    case "deleted":
      // The recycle bin: soft-deleted rows are invisible to RLS, so a function lists them.
      return tx`public.deleted_datasets() d where true`;
  }
};

const listOrder = (tx: Tx, filter: DatasetListFilter) =>
  filter.kind === "deleted" ? tx`d.deleted_at desc, d.id desc` : tx`d.id desc`;

/** One page, newest first (ids are time-ordered), and the full count for `totalNumber`. */
export async function listDatasets(tx: Tx, filter: DatasetListFilter, { page, pageSize }: Page) {
  const [counted] = await tx<{ total: number }[]>`select count(*)::int as total from ${listSource(tx, filter)}`;
  const rows = await tx<DatasetRow[]>`
    select d.* from ${listSource(tx, filter)}
    order by ${listOrder(tx, filter)}
    limit ${pageSize} offset ${(page - 1) * pageSize}`;
  return { totalNumber: counted!.total, page, pageSize, datasets: rows.map(toDataset) };
}

// ---------------------------------------------------------------- writing

// Contract field -> column, for the fields a client may set (the rest of the Dataset is the server's).
const WRITABLE_COLUMNS = {
  name: "name",
  description: "description",
  abstract: "abstract",
  branchName: "branch_name",
  license: "license",
  doi: "doi",
  species: "species",
  brainRegions: "brain_regions",
  numberOfSubjects: "number_of_subjects",
  neurons: "neurons",
  pubMedId: "pub_med_id",
  affiliation: "affiliation",
  isSubmitted: "is_submitted",
  isPublished: "is_published",
} as const;

const JSON_COLUMNS = {
  contributors: "contributors",
  correspondingAuthors: "corresponding_authors",
  funding: "funding",
  associatedPublications: "associated_publications",
} as const;

// Keys the server answers with: sent back by a client, they are ignored, never stored as extras.
const SERVER_KEYS = new Set(Object.keys(datasetDetailSchema.shape));

type ColumnValues = Record<string, postgres.ParameterOrJSON<never>>;

/** Splits a create/update body into column values and the extra fields kept as given. */
function toColumns(tx: Tx, fields: DatasetFields): { columns: ColumnValues; extra: Record<string, postgres.JSONValue> } {
  const columns: ColumnValues = {};
  const extra: Record<string, postgres.JSONValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key in WRITABLE_COLUMNS) {
      columns[WRITABLE_COLUMNS[key as keyof typeof WRITABLE_COLUMNS]] = (
        key === "pubMedId" && typeof value === "number" ? String(value) : value
      ) as postgres.ParameterOrJSON<never>;
    } else if (key in JSON_COLUMNS) {
      columns[JSON_COLUMNS[key as keyof typeof JSON_COLUMNS]] = value === null ? null : tx.json(value as postgres.JSONValue);
    } else if (!SERVER_KEYS.has(key)) {
      extra[key] = value as postgres.JSONValue;
    }
  }
  return { columns, extra };
}

/** R16: inserts as the caller (RLS: upload rights in the organization); returns the new id. */
export async function insertDataset(tx: Tx, organizationId: string, fields: DatasetFields): Promise<string> {
  const { columns, extra } = toColumns(tx, fields);
  const [row] = await tx<{ id: string }[]>`
    insert into public.datasets ${tx({ ...columns, organization_id: organizationId, extra_metadata: tx.json(extra) })}
    returning id`;
  return row!.id;
}

/**
 * R21: merges the given fields into the dataset in one statement, so parallel updates of
 * different fields both survive. False when RLS leaves no row the caller may update.
 */
export async function updateDataset(tx: Tx, datasetId: string, fields: DatasetFields): Promise<boolean> {
  const { columns, extra } = toColumns(tx, fields);
  // postgres.js takes a fragment as a column's value; its types only admit parameters.
  const merged = { ...columns, extra_metadata: tx`extra_metadata || ${tx.json(extra)}` } as unknown as ColumnValues;
  const updated = await tx`
    update public.datasets set ${tx(merged)}
    where id = ${datasetId}
    returning id`;
  return updated.length > 0;
}

export interface DeletionRow {
  dataset_id: string;
  deleted_at: Date;
  delete_after: Date;
  purged: boolean;
}

/** R22: soft delete (or purge at once for a zero delay) through public.delete_dataset. */
export async function deleteDataset(tx: Tx, datasetId: string, delaySeconds: number): Promise<DeletionRow> {
  const [row] = await tx<DeletionRow[]>`
    select * from public.delete_dataset(${datasetId}, make_interval(secs => ${delaySeconds}))`;
  return row!;
}

export async function undeleteDataset(tx: Tx, datasetId: string): Promise<void> {
  await tx`select 1 from public.undelete_dataset(${datasetId})`;
}

/** R27: a new dataset sharing the parent's documents and files (public.branch_dataset); returns its id. */
export async function branchDataset(tx: Tx, datasetId: string, branchName: string | null): Promise<string> {
  const [row] = await tx<{ id: string }[]>`select id from public.branch_dataset(${datasetId}, ${branchName})`;
  return row!.id;
}
