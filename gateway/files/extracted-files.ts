// The bulk-upload task's SQL, run as the service role: what Storage holds for a key, and the
// registration of an extracted file once its object is complete.
import type postgres from "postgres";
import type { ExtractedFile } from "./zip-archive.ts";
import { DATA_BUCKET } from "./storage.ts";

/** The object's size in bytes; undefined when there is no such object (yet). */
export async function storedObjectSize(tx: postgres.TransactionSql, objectKey: string): Promise<number | undefined> {
  const [row] = await tx<{ size: number | null }[]>`
    select (metadata ->> 'size')::float8 as size from storage.objects where bucket_id = ${DATA_BUCKET} and name = ${objectKey}`;
  return row ? (row.size ?? 0) : undefined;
}

export interface ExtractedFileRecord {
  jobId: string;
  datasetId: string;
  uid: string;
  objectKey: string;
  digest: ExtractedFile;
}

/**
 * Lists the uid in the dataset's files, pointing at its freshly written object (the storage
 * trigger fills in uploaded, size and eTag). The SHA-256 is recorded only while the object still
 * holds the bytes it was computed from (its eTag is their MD5), so a concurrent upload of the same
 * uid never inherits it. False when the object is gone.
 */
export async function registerExtractedFile(tx: postgres.TransactionSql, file: ExtractedFileRecord): Promise<boolean> {
  const rows = await tx`
    insert into public.files (dataset_id, uid, object_key, sha256, created_by)
    select ${file.datasetId}, ${file.uid}, o.name,
           case when o.metadata ->> 'eTag' = ${`"${file.digest.md5}"`} then ${file.digest.sha256} end,
           (select j.created_by from public.jobs j where j.id = ${file.jobId})
    from storage.objects o
    where o.bucket_id = ${DATA_BUCKET} and o.name = ${file.objectKey}
    on conflict (dataset_id, uid) do update set object_key = excluded.object_key, sha256 = excluded.sha256
    returning 1`;
  return rows.length > 0;
}
