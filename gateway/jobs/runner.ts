// The job runner: graphile-worker in the gateway process, started and stopped with it. At start
// it installs or migrates its `graphile_worker` schema (so its database login must be allowed to
// create one: the superuser in embedded mode, `postgres` on a hosted project) and then schedules
// public.jobs rows queued while no runner had installed it. Stopping lets running tasks finish;
// after the grace period their abort signal fires, and a task still running a little later is
// abandoned. Either way its graphile-worker job is unlocked before stop() returns, so the next
// runner takes it up at once (graphile-worker alone records an interrupted attempt without
// waiting for the write, and a job left locked waits 4 hours).
import { EventEmitter } from "node:events";
import { createClient } from "@supabase/supabase-js";
import { Logger as WorkerLogger, parseCronItems, run, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import type { Logger } from "pino";
import postgres from "postgres";
import { runAsServiceRole } from "../db/run-as.ts";
import { toGraphileJobTask, toGraphileScheduledTask, type SharedTaskContext } from "./execute.ts";
import type { JobTask, ScheduledTask } from "./task.ts";

export interface JobRunnerOptions {
  /** A login that may create the graphile_worker schema and switch to service_role. */
  databaseUrl: string;
  supabaseUrl: string;
  serviceRoleKey: string;
  dataBucket: string;
  logger: Logger;
  jobTasks: readonly JobTask[];
  scheduledTasks: readonly ScheduledTask[];
  /** Jobs run at the same time in this process. */
  concurrency: number;
  /** How long running tasks get on shutdown before their abort signal fires. */
  shutdownAbortMs?: number;
}

export interface JobRunner {
  stop: () => Promise<void>;
}

const DEFAULT_SHUTDOWN_ABORT_MS = 5_000;
// After the abort signal, a task that ignores it gets this long before it is released.
const RELEASE_AFTER_ABORT_MS = 2_000;

export async function startJobRunner(options: JobRunnerOptions): Promise<JobRunner> {
  const logger = options.logger.child({ component: "jobs" });
  const shutdownAbortMs = options.shutdownAbortMs ?? DEFAULT_SHUTDOWN_ABORT_MS;
  const sql = postgres(options.databaseUrl, { max: options.concurrency + 1, onnotice: () => {} });
  const shared: SharedTaskContext = {
    runAsServiceRole: (work) => runAsServiceRole(sql, work),
    supabase: createClient(options.supabaseUrl, options.serviceRoleKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    }),
    dataBucket: options.dataBucket,
    logger,
  };

  const events: WorkerEvents = new EventEmitter();
  const poolIds: string[] = [];
  events.on("pool:create", ({ workerPool }) => poolIds.push(workerPool.id));

  // Our own pool, so that a connection Postgres drops while idle (a restart, a failover) is logged
  // instead of being an unhandled 'error' event that ends the process.
  const pgPool = new pg.Pool({ connectionString: options.databaseUrl, max: options.concurrency + 2 });
  pgPool.on("error", (error) => logger.warn({ err: error }, "job runner lost an idle database connection"));
  // A connection that drops while checked out emits on its client; unhandled, that would end the gateway.
  pgPool.on("connect", (client) =>
    client.on("error", (error) => logger.warn({ err: error }, "job runner lost a database connection in use")),
  );
  const closePools = () => Promise.all([pgPool.end(), sql.end({ timeout: 5 })]);

  const runner = await run({
    events,
    pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    gracefulShutdownAbortTimeout: shutdownAbortMs,
    logger: workerLogger(logger),
    taskList: taskList(options, shared),
    parsedCronItems: parseCronItems(
      options.scheduledTasks.map((task) => ({
        task: task.name,
        identifier: task.name,
        match: task.schedule,
        // One run per tick, never a backlog after downtime; a failed tick is the next tick's work.
        options: { backfillPeriod: 0, maxAttempts: 1, jobKey: task.name },
      })),
    ),
  }).catch(async (error: unknown) => {
    await closePools();
    throw error;
  });

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    let timer: NodeJS.Timeout | undefined;
    const released = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.warn("running tasks ignored the abort signal; releasing their jobs");
        runner.kill().then(resolve, resolve);
      }, shutdownAbortMs + RELEASE_AFTER_ABORT_MS);
    });
    try {
      await Promise.race([runner.stop(), released]);
      await sql`select graphile_worker.force_unlock_workers(${poolIds}::text[])`;
    } finally {
      clearTimeout(timer);
      await closePools();
      logger.info("job runner stopped");
    }
  };
  const jobRunner = { stop: () => (stopping ??= stop()) };

  try {
    const [scheduled] = await shared.runAsServiceRole(
      (tx) => tx<{ count: number }[]>`select public.schedule_pending_jobs() as count`,
    );
    logger.info({ pendingJobsScheduled: scheduled?.count ?? 0 }, "job runner started");
  } catch (error) {
    await jobRunner.stop();
    throw error;
  }
  return jobRunner;
}

function taskList(options: JobRunnerOptions, shared: SharedTaskContext): TaskList {
  const tasks: TaskList = {};
  const add = (name: string, task: TaskList[string]) => {
    if (tasks[name]) throw new Error(`two background tasks are named ${name}`);
    tasks[name] = task;
  };
  for (const task of options.jobTasks) add(task.kind, toGraphileJobTask(task, shared));
  for (const task of options.scheduledTasks) add(task.name, toGraphileScheduledTask(task, shared));
  return tasks;
}

/**
 * graphile-worker's own log lines, into the gateway's pino logger. Its info lines (every task run,
 * the sweep's each minute included) are debug here: job tasks log their outcome themselves.
 */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const line = { ...scope, ...meta };
    if (level === "error") logger.error(line, message);
    else if (level === "warning") logger.warn(line, message);
    else logger.debug(line, message);
  });
}
