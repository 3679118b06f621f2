// `doi_deposit` jobs: registering a published dataset's DOI with Crossref. The work with Crossref
// is the crossref-deposit Edge Function's (functions/crossref-deposit: DOIs, XML, XSD check,
// upload, submission log, the datasets' DOI state); this task is its schedule, kept in the
// Postgres job queue so it survives restarts:
//   a job without `fileName` asks the function to deposit the dataset (publish-dataset queues it);
//   when Crossref has the deposit, the task queues the next job to poll its log by `fileName`
//   after the delay the function names (growing back-off), and so on until the log is final;
//   when Crossref is unreachable or busy, or not configured yet, the task throws and the job is
//   retried with back-off (about 3 hours in all); on the last attempt the function records a
//   Crossref failure on the dataset instead, and an unconfigured one leaves it pending for
//   `npm run admin -- doi-retry`.
import type { SupabaseClient } from "@supabase/supabase-js";
import { z } from "zod";
import { defineJobTask, type TaskContext } from "../task.ts";

export const DEPOSIT_FUNCTION = "crossref-deposit";
const MAX_ATTEMPTS = 10;

const objectId = z.string().regex(/^[0-9a-f]{24}$/);

const doiDepositParamsSchema = z.object({
  datasetId: objectId,
  /** Set on the jobs that poll a deposit's submission log. */
  fileName: z.string().min(1).optional(),
});

/** functions/crossref-deposit/result.ts */
const depositResultSchema = z.object({
  outcome: z.enum(["waiting", "submitted", "finished", "retry"]),
  message: z.string(),
  fileName: z.string().optional(),
  nextPollInMs: z.number().int().positive().optional(),
  datasets: z.array(
    z.object({
      datasetId: objectId,
      doi: z.string().optional(),
      doiStatus: z.enum(["pending", "submitted", "registered", "failed"]),
      message: z.string(),
    }),
  ),
});
type DepositResult = z.infer<typeof depositResultSchema>;

export const doiDepositTask = defineJobTask({
  kind: "doi_deposit",
  maxAttempts: MAX_ATTEMPTS,
  async run(context) {
    const { datasetId, fileName } = doiDepositParamsSchema.parse(context.job.params);
    const finalAttempt = context.job.attempts >= MAX_ATTEMPTS;
    const request = fileName ? { action: "poll", fileName, finalAttempt } : { action: "deposit", datasetIds: [datasetId], finalAttempt };
    const result = await invokeDepositFunction(context.supabase, request, context.signal);
    if (result.outcome === "retry" || result.outcome === "waiting") throw new Error(result.message);
    if (result.outcome === "submitted") {
      const next = await queuePoll(context, datasetId, result);
      context.logger.info({ datasetId, fileName: result.fileName, pollJobId: next }, "DOI deposit submitted; polling its log");
    } else {
      context.logger.info({ datasetId, outcome: result.outcome, datasets: result.datasets }, "DOI deposit step done");
    }
    return result;
  },
});

async function invokeDepositFunction(supabase: SupabaseClient, body: object, signal: AbortSignal): Promise<DepositResult> {
  const { data, error } = await supabase.functions.invoke(DEPOSIT_FUNCTION, { body, signal });
  if (error) {
    const detail = await (error.context as Response | undefined)?.text?.().catch(() => "");
    throw new Error(`${DEPOSIT_FUNCTION} failed: ${error.message}${detail ? ` (${detail})` : ""}`);
  }
  return depositResultSchema.parse(data);
}

/** The next poll of the deposit's log, as its own queued job due after the function's delay. */
async function queuePoll(context: TaskContext, datasetId: string, result: DepositResult): Promise<string> {
  const params = { datasetId, fileName: result.fileName! };
  const delayMs = result.nextPollInMs!;
  const [job] = await context.runAsServiceRole(
    (tx) => tx<{ id: string }[]>`
      insert into public.jobs (kind, dataset_id, params, run_after)
      values ('doi_deposit', ${datasetId}, ${tx.json(params)}, now() + ${delayMs} * interval '1 millisecond')
      returning id`,
  );
  return job!.id;
}
