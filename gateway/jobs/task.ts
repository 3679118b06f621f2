// What a background task is and what it gets. A job task runs one public.jobs row of its kind; a
// scheduled task runs on a crontab schedule with no row of its own (e.g. the purge sweep).
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Logger } from "pino";
import type postgres from "postgres";

/** The values of the public.job_kind enum (jobs migration). */
export type JobKind =
  | "document_bulk_upload"
  | "document_bulk_download"
  | "file_bulk_upload"
  | "publish"
  | "doi_deposit"
  | "purge";

/** What every task may use; all of it bypasses RLS, so tasks check what they were asked to do. */
export interface TaskContext {
  /** SQL as the service role in one transaction (`runAsServiceRole`). */
  runAsServiceRole: <T>(work: (tx: postgres.TransactionSql) => Promise<T>) => Promise<T>;
  /** supabase-js with the service role key: Storage objects are removed through it, never by deleting rows. */
  supabase: SupabaseClient;
  /** The Storage bucket of NDI data files (config dataBucket). */
  dataBucket: string;
  logger: Logger;
  /** Aborted when the runner shuts down and the grace period is over: stop, and throw. */
  signal: AbortSignal;
}

/** The public.jobs row a job task works on (what the task may read of it). */
export interface JobRow {
  id: string;
  kind: JobKind;
  datasetId: string | null;
  params: Record<string, unknown>;
  progressTotal: number | null;
  /** 1 on the first run; counts retries and runs interrupted by a shutdown. */
  attempts: number;
}

export interface JobContext extends TaskContext {
  job: JobRow;
  /** Records progress on the job row (progress_done, and progress_total when given). */
  progress: (done: number, total?: number) => Promise<void>;
}

// graphile-worker gives up on its own after 25 attempts; a task's limit must come first.
export const MAX_ATTEMPTS_LIMIT = 24;

export interface JobTask {
  kind: JobKind;
  /** Runs before the job is `failed` for good; each retry waits e^attempt seconds (capped at e^10). */
  maxAttempts: number;
  /** Returns the job's `result`; throwing fails this attempt with the error's message. */
  run: (context: JobContext) => Promise<postgres.JSONValue | void>;
}

export interface ScheduledTask {
  /** graphile-worker task identifier; distinct from every job kind. */
  name: string;
  /** Crontab time fields (minute resolution), e.g. `* * * * *`. */
  schedule: string;
  run: (context: TaskContext) => Promise<void>;
}

/** Thrown by a task when retrying cannot help (e.g. a corrupt upload): the job fails at once. */
export class PermanentJobError extends Error {}

export function defineJobTask(task: JobTask): JobTask {
  if (!Number.isInteger(task.maxAttempts) || task.maxAttempts < 1 || task.maxAttempts > MAX_ATTEMPTS_LIMIT) {
    throw new RangeError(`job task ${task.kind}: maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`);
  }
  return task;
}
