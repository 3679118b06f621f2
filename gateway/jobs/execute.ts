// Turns our tasks into graphile-worker tasks. A job task's graphile job carries only the
// public.jobs id; each attempt marks the row running, runs the task with a progress reporter, and
// ends it complete, failed (attempts used up) or queued again (graphile-worker then retries it
// with back-off). A run cut short by shutdown is always queued again, whatever the attempt.
import type { JobHelpers, Task } from "graphile-worker";
import { z } from "zod";
import { completeJob, failJob, recordProgress, requeueJob, startAttempt } from "./job-rows.ts";
import { PermanentJobError, type JobTask, type ScheduledTask, type TaskContext } from "./task.ts";

/** The graphile-worker payload of a job task (added by private.schedule_job). */
const jobPayloadSchema = z.object({ jobId: z.string().regex(/^[0-9a-f]{24}$/) });

export type SharedTaskContext = Omit<TaskContext, "signal">;

export function toGraphileJobTask(task: JobTask, shared: SharedTaskContext): Task {
  return async (payload, helpers) => {
    const { jobId } = jobPayloadSchema.parse(payload);
    const attempts = helpers.job.attempts;
    const logger = shared.logger.child({ jobId, kind: task.kind, attempt: attempts });
    const { runAsServiceRole } = shared;
    const job = await runAsServiceRole((tx) =>
      startAttempt(tx, jobId, { workerId: helpers.job.locked_by ?? "unknown", attempts }),
    );
    if (!job) {
      logger.info("job is no longer pending; skipped");
      return;
    }

    let result;
    try {
      result = await task.run({
        ...shared,
        logger,
        signal: helpers.abortSignal,
        job,
        progress: (done, total) => runAsServiceRole((tx) => recordProgress(tx, jobId, done, total)),
      });
    } catch (error) {
      const message = errorMessage(error);
      if (helpers.abortSignal.aborted || (attempts < task.maxAttempts && !(error instanceof PermanentJobError))) {
        logger.warn({ err: error }, "job attempt failed; it will be retried");
        await runAsServiceRole((tx) => requeueJob(tx, jobId, message, attempts));
        throw error;
      }
      logger.error({ err: error }, "job failed");
      await runAsServiceRole((tx) => failJob(tx, jobId, message));
      return;
    }
    await runAsServiceRole((tx) => completeJob(tx, jobId, result ?? null));
    logger.info("job complete");
  };
}

export function toGraphileScheduledTask(task: ScheduledTask, shared: SharedTaskContext): Task {
  return (_payload, helpers: JobHelpers) =>
    task.run({ ...shared, logger: shared.logger.child({ task: task.name }), signal: helpers.abortSignal });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
