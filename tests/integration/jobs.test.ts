// The job runner on its own database: graphile-worker executing public.jobs rows with progress,
// retries with back-off, shutdown and restart, and enqueueing atomic with the caller's transaction.
// Test tasks borrow real job kinds (publish, doi_deposit); each test starts and stops its runners.
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runAs } from "../../gateway/db/run-as.ts";
import { enqueueJob } from "../../gateway/jobs/enqueue.ts";
import { startJobRunner, type JobRunner } from "../../gateway/jobs/runner.ts";
import { defineJobTask, type JobContext, type JobKind, type JobTask } from "../../gateway/jobs/task.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
let sql: postgres.Sql;
const running = new Set<JobRunner>();

beforeAll(async () => {
  db = await createTestDatabase();
  sql = postgres(db.adminUrl, { max: 4, onnotice: () => {} });
});
afterEach(async () => {
  await Promise.all([...running].map((runner) => runner.stop()));
  running.clear();
});
afterAll(async () => {
  await sql.end();
  await db.drop();
});

async function startRunner(jobTasks: JobTask[], shutdownAbortMs = 200): Promise<JobRunner> {
  const runner = await startJobRunner({
    databaseUrl: db.adminUrl,
    supabaseUrl: "http://127.0.0.1:9",
    serviceRoleKey: "not-used-by-these-tasks",
    dataBucket: "ndi-data",
    logger: pino({ level: process.env.JOBS_TEST_LOG ?? "silent" }),
    jobTasks,
    scheduledTasks: [],
    concurrency: 2,
    shutdownAbortMs,
  });
  running.add(runner);
  return runner;
}

async function stopRunner(runner: JobRunner): Promise<void> {
  running.delete(runner);
  await runner.stop();
}

interface JobState {
  state: string;
  progress_done: number;
  progress_total: number | null;
  result: unknown;
  error: string | null;
  attempts: number;
  locked_by: string | null;
  run_after: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

async function insertJob(kind: JobKind): Promise<string> {
  const [job] = await sql<{ id: string }[]>`insert into public.jobs (kind) values (${kind}) returning id`;
  return job!.id;
}

async function jobState(id: string): Promise<JobState> {
  const [job] = await sql<JobState[]>`
    select state, progress_done, progress_total, result, error, attempts, locked_by, run_after, started_at, completed_at
    from public.jobs where id = ${id}`;
  return job!;
}

async function waitForJob(id: string, until: (job: JobState) => boolean, timeoutMs = 15_000): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await jobState(id);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function graphileJobs(id: string) {
  return sql<{ task_identifier: string; locked_at: Date | null }[]>`
    select task_identifier, locked_at from graphile_worker.jobs where key = ${`ndi_job:${id}`}`;
}

/** A promise to release from the test, for tasks that must wait mid-run. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** Runs until the runner's abort signal fires, then fails as a well-behaved task does. */
function untilAborted({ signal }: JobContext): Promise<never> {
  return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
}

describe("the job runner", () => {
  it("runs a job queued before any runner existed and reports its progress on the row", async () => {
    const halfway = gate();
    const id = await insertJob("publish");
    expect(await sql`select 1 from pg_namespace where nspname = 'graphile_worker'`).toHaveLength(0);

    await startRunner([
      defineJobTask({
        kind: "publish",
        maxAttempts: 1,
        async run({ progress }) {
          await progress(1, 3);
          await halfway.opened;
          await progress(3);
          return { published: true };
        },
      }),
    ]);

    const midway = await waitForJob(id, (job) => job.progress_done === 1);
    expect(midway).toMatchObject({ state: "running", progress_total: 3, attempts: 1 });
    expect(midway.locked_by).toEqual(expect.any(String));
    halfway.open();
    const done = await waitForJob(id, (job) => job.state === "complete");
    expect(done).toMatchObject({ progress_done: 3, progress_total: 3, result: { published: true }, error: null, locked_by: null });
    expect(done.started_at).toBeInstanceOf(Date);
    expect(done.completed_at).toBeInstanceOf(Date);
    expect(await graphileJobs(id)).toHaveLength(0);
  });

  it("retries a failing task with back-off and ends it failed with its error", async () => {
    await startRunner([
      defineJobTask({
        kind: "publish",
        maxAttempts: 2,
        run: async ({ job }) => {
          throw new Error(`attempt ${job.attempts} broke`);
        },
      }),
    ]);
    const id = await insertJob("publish");

    const retrying = await waitForJob(id, (job) => job.error !== null);
    expect(retrying).toMatchObject({ state: "queued", error: "attempt 1 broke", attempts: 1 });
    // graphile-worker waits e^1 seconds before the second attempt; the row says when.
    const [clock] = await sql<{ now: Date }[]>`select now()`;
    expect(retrying.run_after.getTime() - clock!.now.getTime()).toBeGreaterThan(1_500);

    const failed = await waitForJob(id, (job) => job.state === "failed");
    expect(failed).toMatchObject({ error: "attempt 2 broke", attempts: 2, locked_by: null });
    expect(failed.completed_at).toBeInstanceOf(Date);
    expect(await graphileJobs(id)).toHaveLength(0);
  });

  it("resumes after a restart: the interrupted job and one queued while no runner ran complete", async () => {
    const first = await startRunner([defineJobTask({ kind: "publish", maxAttempts: 1, run: untilAborted })]);
    const interrupted = await insertJob("publish");
    await waitForJob(interrupted, (job) => job.state === "running");

    await stopRunner(first);
    // Shutdown is not the task's fault: queued again even though maxAttempts was 1.
    expect(await jobState(interrupted)).toMatchObject({ state: "queued", locked_by: null });
    expect(await graphileJobs(interrupted)).toEqual([{ task_identifier: "publish", locked_at: null }]);
    const queuedWhileDown = await insertJob("publish");

    await startRunner([defineJobTask({ kind: "publish", maxAttempts: 1, run: async ({ job }) => ({ attempt: job.attempts }) })]);
    expect(await waitForJob(queuedWhileDown, (job) => job.state === "complete")).toMatchObject({ result: { attempt: 1 } });
    expect(await waitForJob(interrupted, (job) => job.state === "complete")).toMatchObject({
      result: { attempt: 2 },
      attempts: 2,
      error: null,
    });
  });

  it("lets a running task finish when it stops", async () => {
    const started = gate();
    const runner = await startRunner(
      [
        defineJobTask({
          kind: "publish",
          maxAttempts: 1,
          async run() {
            started.open();
            await new Promise((resolve) => setTimeout(resolve, 300));
            return { finished: true };
          },
        }),
      ],
      5_000,
    );
    const id = await insertJob("publish");
    await started.opened;

    await stopRunner(runner);
    expect(await jobState(id)).toMatchObject({ state: "complete", result: { finished: true } });
  });

  it("releases a task that ignores the abort signal, and the next runner runs its job again", async () => {
    const runner = await startRunner([
      defineJobTask({ kind: "doi_deposit", maxAttempts: 1, run: () => new Promise(() => {}) }),
    ]);
    const id = await insertJob("doi_deposit");
    await waitForJob(id, (job) => job.state === "running");

    await stopRunner(runner);
    expect(await graphileJobs(id)).toEqual([{ task_identifier: "doi_deposit", locked_at: null }]);

    await startRunner([defineJobTask({ kind: "doi_deposit", maxAttempts: 1, run: async () => ({ deposited: true }) })]);
    expect(await waitForJob(id, (job) => job.state === "complete")).toMatchObject({ attempts: 2, result: { deposited: true } });
  });
});

describe("enqueueJob", () => {
  const member = randomUUID();
  const viewer = randomUUID();
  let datasetId: string;

  beforeAll(async () => {
    for (const id of [member, viewer]) {
      await sql`insert into auth.users (id, email, email_confirmed_at) values (${id}, ${`${id}@example.org`}, now())`;
    }
    const [org] = await sql<{ id: string }[]>`insert into public.organizations (name) values ('Lab') returning id`;
    await sql`insert into public.organization_members (organization_id, user_id, role)
              values (${org!.id}, ${member}, 'member'), (${org!.id}, ${viewer}, 'viewer')`;
    const [dataset] = await sql<{ id: string }[]>`
      insert into public.datasets (organization_id, name) values (${org!.id}, 'Dataset') returning id`;
    datasetId = dataset!.id;
    // The schema a runner installs (the earlier tests started runners on this database).
    expect(await sql`select 1 from pg_namespace where nspname = 'graphile_worker'`).toHaveLength(1);
  });

  const asUser = <T>(sub: string, work: (tx: postgres.TransactionSql) => Promise<T>) =>
    runAs(sql, { role: "authenticated", sub, aud: "authenticated" }, work);

  it("queues the row and its graphile-worker job in the caller's transaction", async () => {
    const queued = await asUser(member, (tx) =>
      enqueueJob(tx, { kind: "file_bulk_upload", datasetId, params: { objectKey: "zip" }, progressTotal: 4 }),
    );
    const [row] = await sql`select kind, dataset_id, params, progress_total, state, created_by from public.jobs where id = ${queued.id}`;
    expect(row).toEqual({
      kind: "file_bulk_upload",
      dataset_id: datasetId,
      params: { objectKey: "zip" },
      progress_total: 4,
      state: "queued",
      created_by: member,
    });
    expect(await graphileJobs(queued.id)).toEqual([{ task_identifier: "file_bulk_upload", locked_at: null }]);
  });

  it("leaves neither behind when the transaction rolls back", async () => {
    let jobId = "";
    const failure = new Error("the request failed after queueing");
    await expect(
      asUser(member, async (tx) => {
        jobId = (await enqueueJob(tx, { kind: "file_bulk_upload", datasetId })).id;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(jobId).toMatch(/^[0-9a-f]{24}$/);
    expect(await sql`select 1 from public.jobs where id = ${jobId}`).toHaveLength(0);
    expect(await graphileJobs(jobId)).toHaveLength(0);
  });

  it("is refused by RLS for a caller without upload rights, storing nothing", async () => {
    const before = await sql`select id from public.jobs`;
    await expect(asUser(viewer, (tx) => enqueueJob(tx, { kind: "file_bulk_upload", datasetId }))).rejects.toMatchObject({
      code: "42501",
    });
    expect(await sql`select id from public.jobs`).toEqual(before);
  });
});
