// The runner's writes to public.jobs, the state users see: running when an attempt starts,
// progress while it works, then complete, failed, or back to queued for a retry. The jobs
// migration's trigger keeps terminal states final and stamps started_at/completed_at.
import type postgres from "postgres";
import type { JobRow } from "./task.ts";

/** Marks the job running for this attempt; undefined when it is gone or already over (cancelled, …). */
export async function startAttempt(
  tx: postgres.TransactionSql,
  jobId: string,
  attempt: { workerId: string; attempts: number },
): Promise<JobRow | undefined> {
  const [row] = await tx<JobRow[]>`
    update public.jobs
    set state = 'running', locked_by = ${attempt.workerId}, attempts = ${attempt.attempts}
    where id = ${jobId} and state in ('queued', 'running')
    returning id, kind, dataset_id as "datasetId", params, progress_total as "progressTotal", attempts`;
  return row;
}

export async function recordProgress(tx: postgres.TransactionSql, jobId: string, done: number, total?: number): Promise<void> {
  await tx`
    update public.jobs
    set progress_done = ${done}, progress_total = coalesce(${total ?? null}::integer, progress_total)
    where id = ${jobId}`;
}

export async function completeJob(tx: postgres.TransactionSql, jobId: string, result: postgres.JSONValue | null): Promise<void> {
  await tx`
    update public.jobs
    set state = 'complete', result = ${result === null ? null : tx.json(result)}, error = null, locked_by = null
    where id = ${jobId} and state = 'running'`;
}

export async function failJob(tx: postgres.TransactionSql, jobId: string, error: string): Promise<void> {
  await tx`
    update public.jobs set state = 'failed', error = ${error}, locked_by = null
    where id = ${jobId} and state = 'running'`;
}

/** Back to queued until graphile-worker's retry: its back-off is e^min(attempts, 10) seconds. */
export async function requeueJob(tx: postgres.TransactionSql, jobId: string, error: string, attempts: number): Promise<void> {
  await tx`
    update public.jobs
    set state = 'queued', error = ${error}, locked_by = null,
        run_after = now() + exp(least(${attempts}::integer, 10)) * interval '1 second'
    where id = ${jobId} and state = 'running'`;
}
