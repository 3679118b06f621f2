// Permission matrix for jobs and the audit log, and the job state machine.
import { beforeAll, describe, expect, it } from "vitest";
import { as, attempt, matrix, one, useWorld, type Actor, type World } from "../support/rls-fixtures.ts";

const world = useWorld();
let draftJob: string;
let foreignJob: string;
beforeAll(async () => {
  ({ id: draftJob } = one(await world.sql<{ id: string }[]>`
    insert into public.jobs (kind, dataset_id, created_by) values ('file_bulk_upload', ${world.datasets.draft}, ${world.users.member.id}) returning id`));
  ({ id: foreignJob } = one(await world.sql<{ id: string }[]>`
    insert into public.jobs (kind, dataset_id, created_by) values ('document_bulk_upload', ${world.datasets.foreign}, ${world.users.memberB.id}) returning id`));
  // Something for the audit trail of both organizations, done through the API as their users.
  await world.sql.begin(async (tx) => {
    await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify({ sub: world.users.admin.id, role: "authenticated" })}, true)`;
    await tx`update public.datasets set is_published = true where id = ${world.datasets.draft}`;
    await tx`update public.datasets set is_published = false where id = ${world.datasets.draft}`;
    await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: world.users.memberB.id, role: "authenticated" })}, true)`;
    await tx`insert into public.documents (dataset_id, data) select ${world.datasets.foreign}, jsonb_build_object('n', i) from generate_series(1, 3) i`;
  });
});

const jobName = (id: string) => (id === draftJob ? "draftJob" : id === foreignJob ? "foreignJob" : id);

describe("jobs: which each actor sees", () => {
  matrix(
    {
      anon: "denied",
      outsider: [],
      viewer: ["draftJob"],
      member: ["draftJob"],
      admin: ["draftJob"],
      owner: ["draftJob"],
      platformAdmin: ["draftJob", "foreignJob"],
      memberB: ["foreignJob"],
    },
    (actor) => as(world, actor, async (tx) => (await tx`select id from public.jobs`).map((row) => jobName(row.id)).sort()),
  );
});

describe("jobs: the server's own jobs (purges) are visible to platform admins only", () => {
  matrix(
    { anon: "denied", outsider: 0, viewer: 0, member: 0, admin: 0, owner: 0, platformAdmin: 1, memberB: 0 },
    (actor) =>
      as(world, actor, async (tx) => {
        await tx`select set_config('role', 'service_role', true)`;
        await tx`insert into public.jobs (kind, params) values ('purge', '{"prefix": "x/"}')`;
        await tx`select set_config('role', ${actor === "anon" ? "anon" : "authenticated"}, true)`;
        return one(await tx`select count(*)::int as n from public.jobs where kind = 'purge'`).n;
      }),
  );
});

const queue = (actor: Actor, kind: string, dataset: keyof World["datasets"]) =>
  as(world, actor, async (tx) => {
    const [job] = await tx`insert into public.jobs (kind, dataset_id) values (${kind}, ${world.datasets[dataset]}) returning state, created_by, id`;
    expect(job).toMatchObject({ state: "queued", created_by: world.users[actor as Exclude<Actor, "anon">].id });
    expect(job!.id).toMatch(/^[0-9a-f]{24}$/);
    return "queued";
  });

describe("jobs: queue a file bulk upload into the draft (upload rights)", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "queued", admin: "queued", owner: "queued", platformAdmin: "queued", memberB: "rls" },
    (actor) => queue(actor, "file_bulk_upload", "draft"),
  );
});

describe("jobs: queue a document bulk upload into the published dataset (immutable)", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "rls", memberB: "rls" },
    (actor) => queue(actor, "document_bulk_upload", "published"),
  );
});

describe("jobs: queue a document download of the published dataset (any reader)", () => {
  matrix(
    { anon: "denied", outsider: "queued", viewer: "queued", member: "queued", admin: "queued", owner: "queued", platformAdmin: "queued", memberB: "queued" },
    (actor) => queue(actor, "document_bulk_download", "published"),
  );
});

describe("jobs: queue publishing of the draft (organization admins)", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "queued", owner: "queued", platformAdmin: "queued", memberB: "rls" },
    (actor) => queue(actor, "publish", "draft"),
  );
});

describe("jobs: queue a purge (the server's own job)", () => {
  matrix(
    { anon: "denied", outsider: "rls", viewer: "rls", member: "rls", admin: "rls", owner: "rls", platformAdmin: "rls", memberB: "rls" },
    (actor) => queue(actor, "purge", "draft"),
  );
});

describe("jobs: change a job (only the worker, as the service role)", () => {
  matrix(
    { anon: "denied", outsider: "denied", viewer: "denied", member: "denied", admin: "denied", owner: "denied", platformAdmin: "denied", memberB: "denied" },
    (actor) => as(world, actor, (tx) => tx`update public.jobs set state = 'complete' where id = ${draftJob}`),
  );

  it("API callers cannot choose a job's state or progress", async () => {
    expect(
      await attempt(() =>
        as(world, "member", (tx) => tx`insert into public.jobs (kind, dataset_id, state) values ('file_bulk_upload', ${world.datasets.draft}, 'complete')`),
      ),
    ).toBe("denied");
  });
});

describe("jobs: the state machine, driven by the worker", () => {
  it("stamps the times of a started and a finished job, and keeps terminal states final", async () => {
    await as(world, "service", async (tx) => {
      const [started] = await tx`update public.jobs set state = 'running', locked_by = 'worker-1', attempts = 1
                                 where id = ${draftJob} returning *`;
      expect(started).toMatchObject({ id: draftJob, state: "running", locked_by: "worker-1", attempts: 1, started_at: expect.any(Date) });
      const [done] = await tx`update public.jobs set state = 'complete', progress_done = 3, progress_total = 3 where id = ${draftJob}
                              returning completed_at`;
      expect(done!.completed_at).toBeInstanceOf(Date);
      expect(await attempt(() => tx.savepoint((sp) => sp`update public.jobs set state = 'running' where id = ${draftJob}`))).toBe(
        `error 55000: job ${draftJob} is already complete`,
      );
    });
  });
});

// ---------------------------------------------------------------- audit log

describe("audit log: whose entries each actor reads (organization admins and platform admins)", () => {
  matrix(
    {
      anon: "denied",
      outsider: [],
      viewer: [],
      member: [],
      admin: ["orgA"],
      owner: ["orgA"],
      platformAdmin: ["(none)", "orgA", "orgB"],
      memberB: [],
    },
    (actor) =>
      as(world, actor, async (tx) =>
        (await tx`select distinct organization_id from public.audit_log`).map((row) => (row.organization_id ? world.nameOf(row.organization_id) : "(none)")).sort(),
      ),
  );
});

describe("audit log: append-only for everybody", () => {
  matrix(
    { anon: "denied", outsider: "denied", viewer: "denied", member: "denied", admin: "denied", owner: "denied", platformAdmin: "denied", memberB: "denied" },
    (actor) => as(world, actor, (tx) => tx`delete from public.audit_log`),
  );

  it("the service role cannot write it either", async () => {
    for (const statement of ["delete from public.audit_log", "update public.audit_log set action = 'x'", "insert into public.audit_log (actor_role, action, table_name) values ('x', 'x', 'x')"]) {
      expect(await attempt(() => as(world, "service", (tx) => tx.unsafe(statement)))).toBe("denied");
    }
  });

  it("even the table owner hits the append-only trigger", async () => {
    await expect(world.sql`delete from public.audit_log`).rejects.toThrow("audit_log is append-only");
    await expect(world.sql`truncate public.audit_log`).rejects.toThrow("audit_log is append-only");
  });
});

describe("audit log: what it records", () => {
  it("publish and unpublish, by whom, with the changed columns", async () => {
    const rows = await as(world, "admin", (tx) => tx`
      select action, actor_id, actor_role, row_id, changes -> 'is_published' as is_published
      from public.audit_log where row_id = ${world.datasets.draft} and action in ('publish', 'unpublish') order by id`);
    expect(rows).toEqual([
      { action: "publish", actor_id: world.users.admin.id, actor_role: "authenticated", row_id: world.datasets.draft, is_published: { old: false, new: true } },
      { action: "unpublish", actor_id: world.users.admin.id, actor_role: "authenticated", row_id: world.datasets.draft, is_published: { old: true, new: false } },
    ]);
  });

  it("one entry per statement and dataset for documents, with the ids", async () => {
    const [entry] = await as(world, "platformAdmin", (tx) => tx`
      select action, actor_id, row_count, jsonb_array_length(changes -> 'ids') as ids, changes -> 'truncated' as truncated
      from public.audit_log where table_name = 'documents' and dataset_id = ${world.datasets.foreign} and actor_id is not null`);
    expect(entry).toEqual({ action: "insert", actor_id: world.users.memberB.id, row_count: 3, ids: 3, truncated: false });
  });

  it("counter maintenance leaves no entries", async () => {
    const rows = await as(world, "platformAdmin", (tx) => tx`
      select count(*)::int as n from public.audit_log where table_name = 'datasets' and changes ? 'document_count' and action = 'update'`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it("soft delete and undelete are named as such", async () => {
    const actions = await as(world, "member", async (tx) => {
      await tx`select public.delete_dataset(${world.datasets.draft})`;
      await tx`select public.undelete_dataset(${world.datasets.draft})`;
      await tx`select public.delete_documents(${world.datasets.draft}, ${[world.documents["draft.1"]!]})`;
      await tx`select set_config('role', 'service_role', true)`;
      return tx`select table_name, action, row_count, actor_id from public.audit_log
                where transaction_id = txid_current() order by id`;
    });
    expect(actions).toEqual([
      { table_name: "datasets", action: "soft_delete", row_count: 1, actor_id: world.users.member.id },
      { table_name: "datasets", action: "undelete", row_count: 1, actor_id: world.users.member.id },
      { table_name: "documents", action: "soft_delete", row_count: 1, actor_id: world.users.member.id },
    ]);
  });

  it("jobs are audited when queued and when their state changes, not on progress", async () => {
    const rows = await as(world, "service", async (tx) => {
      await tx`update public.jobs set progress_done = 1 where id = ${foreignJob}`;
      await tx`update public.jobs set state = 'failed', error = 'bad zip' where id = ${foreignJob}`;
      return tx`select action, changes -> 'state' as state from public.audit_log where row_id = ${foreignJob} order by id`;
    });
    expect(rows).toEqual([
      { action: "insert", state: "queued" },
      { action: "update", state: { old: "queued", new: "failed" } },
    ]);
  });
});
