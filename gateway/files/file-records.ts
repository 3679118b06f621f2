// The files rows the API reads, always as the caller so RLS decides what exists for them.
import type postgres from "postgres";

export interface UploadedFile {
  uid: string;
  datasetId: string;
  objectKey: string;
  size: number;
  eTag: string | null;
  sha256: string | null;
  contentType: string | null;
  uploadedAt: Date;
  sourceDatasetId: string | null;
}

/** The file if its bytes have landed and the caller may read its dataset. */
export async function findUploadedFile(tx: postgres.TransactionSql, datasetId: string, uid: string): Promise<UploadedFile | undefined> {
  const [file] = await tx<UploadedFile[]>`
    select uid, dataset_id as "datasetId", object_key as "objectKey", size::float8 as size, checksum as "eTag", sha256,
           content_type as "contentType", uploaded_at as "uploadedAt", source_dataset_id as "sourceDatasetId"
    from public.files
    where dataset_id = ${datasetId} and uid = ${uid} and uploaded`;
  return file;
}

export async function datasetIsVisible(tx: postgres.TransactionSql, datasetId: string): Promise<boolean> {
  const rows = await tx`select 1 from public.datasets where id = ${datasetId}`;
  return rows.length > 0;
}

/** Remembers which file an upload URL is for, so the object registers it when it lands. 42501 unless the caller may write the dataset. */
export async function prepareFileUpload(tx: postgres.TransactionSql, datasetId: string, uid: string, objectKey: string): Promise<void> {
  await tx`select public.prepare_file_upload(${datasetId}, ${uid}, ${objectKey})`;
}
