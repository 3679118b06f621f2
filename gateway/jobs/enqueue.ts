// Queueing a job from a request: one insert into public.jobs in the request's transaction, as the
// caller. RLS decides who may queue what (jobs migration: uploads need upload rights, downloads
// read rights, publishing and DOI deposits organization admins; a refusal is SQLSTATE 42501), and
// the job_queue migration's trigger hands the row to graphile-worker in the same transaction, so
// a request that rolls back queues nothing.
import type postgres from "postgres";
import type { JobKind } from "./task.ts";

export interface NewJob {
  kind: JobKind;
  datasetId: string;
  /** The task's input (public.jobs.params). */
  params?: Record<string, postgres.JSONValue>;
  /** Items in total, when known up front. */
  progressTotal?: number;
}

export interface QueuedJob {
  id: string;
  createdAt: Date;
}

export async function enqueueJob(tx: postgres.TransactionSql, job: NewJob): Promise<QueuedJob> {
  const [queued] = await tx<QueuedJob[]>`
    insert into public.jobs (kind, dataset_id, params, progress_total)
    values (${job.kind}, ${job.datasetId}, ${tx.json(job.params ?? {})}, ${job.progressTotal ?? null})
    returning id, created_at as "createdAt"`;
  return queued!;
}
