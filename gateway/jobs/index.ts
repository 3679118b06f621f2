// Background jobs, as the rest of the gateway uses them: the runner startGateway starts with the
// gateway's config, and enqueueJob for routes. Tasks live in tasks/ (see tasks/index.ts).
import type { Logger } from "pino";
import type { GatewayConfig } from "../app/env.ts";
import { startJobRunner, type JobRunner } from "./runner.ts";
import { jobTasks, scheduledTasks } from "./tasks/index.ts";

export { enqueueJob, type NewJob, type QueuedJob } from "./enqueue.ts";
export type { JobRunner } from "./runner.ts";

export function startGatewayJobRunner(config: GatewayConfig, logger: Logger): Promise<JobRunner> {
  return startJobRunner({
    databaseUrl: config.jobsDatabaseUrl ?? config.databaseUrl,
    supabaseUrl: config.supabaseUrl,
    serviceRoleKey: config.serviceRoleKey,
    dataBucket: config.dataBucket,
    logger,
    jobTasks,
    scheduledTasks: scheduledTasks(config),
    concurrency: config.jobsConcurrency,
  });
}
