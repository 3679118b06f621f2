// File bulk uploads are public.jobs rows of kind file_bulk_upload, read as the caller (RLS: members
// of the dataset's organization and the job's creator). The API names the states its own way
// (contract R45): running is "extracting", and a cancelled job reads as failed.
import type postgres from "postgres";

export const BULK_UPLOAD_STATES = ["queued", "extracting", "complete", "failed"] as const;
export type BulkUploadState = (typeof BULK_UPLOAD_STATES)[number];

/** R46's filter: a state, `active` (queued or extracting) or `all`. */
export const BULK_UPLOAD_FILTERS = ["active", "all", ...BULK_UPLOAD_STATES] as const;
export type BulkUploadFilter = (typeof BULK_UPLOAD_FILTERS)[number];

const JOB_STATES_BY_FILTER: Record<BulkUploadFilter, readonly string[]> = {
  active: ["queued", "running"],
  all: ["queued", "running", "complete", "failed", "cancelled"],
  queued: ["queued"],
  extracting: ["running"],
  complete: ["complete"],
  failed: ["failed", "cancelled"],
};

export interface BulkUploadJob {
  jobId: string;
  datasetId: string | null;
  state: BulkUploadState;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  filesExtracted: number;
  totalFiles: number | null;
  error: string | null;
}

export async function findBulkUpload(tx: postgres.TransactionSql, jobId: string): Promise<BulkUploadJob | undefined> {
  const [job] = await tx<BulkUploadJob[]>`${selectBulkUploads(tx)} and j.id = ${jobId}`;
  return job;
}

/** Newest first. */
export function listBulkUploads(tx: postgres.TransactionSql, datasetId: string, filter: BulkUploadFilter): Promise<BulkUploadJob[]> {
  return tx<BulkUploadJob[]>`
    ${selectBulkUploads(tx)} and j.dataset_id = ${datasetId} and j.state::text in ${tx(JOB_STATES_BY_FILTER[filter])}
    order by j.created_at desc, j.id desc`;
}

function selectBulkUploads(tx: postgres.TransactionSql) {
  return tx`
    select j.id as "jobId", j.dataset_id as "datasetId",
           case j.state when 'running' then 'extracting' when 'cancelled' then 'failed' else j.state::text end as state,
           j.created_at as "createdAt", j.started_at as "startedAt", j.completed_at as "completedAt",
           j.progress_done as "filesExtracted", j.progress_total as "totalFiles",
           case when j.state = 'cancelled' then coalesce(j.error, 'cancelled') else j.error end as error
    from public.jobs j
    where j.kind = 'file_bulk_upload'`;
}

/** The API's view of a job: timestamps as ISO strings, every key always present (contract 12.20). */
export function bulkUploadBody(job: BulkUploadJob) {
  return {
    ...job,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    completedAt: job.completedAt?.toISOString() ?? null,
  };
}
