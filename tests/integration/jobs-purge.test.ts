// Purging end to end on the whole stack (the gateway's job runner included): soft-deleted rows past
// their grace period go at the purge sweep, and the purge job removes their Storage objects
// through the Storage API, except bytes a branch still lists; `when=now` purges at once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAs } from "../../gateway/db/run-as.ts";
import { PURGE_DUE_DELETIONS_TASK } from "../../gateway/jobs/tasks/purge-due-deletions.ts";
import { ndiDocument } from "../support/rls-fixtures.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

const BUCKET = "ndi-data";
let stack: TestStack;
let organizationId: string;
let memberId: string;

beforeAll(async () => {
  stack = await startTestStack();
  const [org] = await stack.sql<{ id: string }[]>`insert into public.organizations (name) values ('Lab') returning id`;
  organizationId = org!.id;
  memberId = (await stack.createUser()).id;
  await stack.sql`insert into public.organization_members (organization_id, user_id, role) values (${organizationId}, ${memberId}, 'member')`;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function createDataset(name: string, branchOf?: string): Promise<string> {
  const [dataset] = await stack.sql<{ id: string }[]>`
    insert into public.datasets (organization_id, name, branch_of) values (${organizationId}, ${name}, ${branchOf ?? null}) returning id`;
  return dataset!.id;
}

async function addDocument(datasetId: string): Promise<string> {
  const [document] = await stack.sql<{ id: string }[]>`
    insert into public.documents (dataset_id, data) values (${datasetId}, ${stack.sql.json(ndiDocument(randomUUID(), "subject"))})
    returning id`;
  return document!.id;
}

/** A file row, then its bytes through a signed upload URL, as the upload flow does. */
async function addFile(datasetId: string, uid: string): Promise<string> {
  const objectKey = `${datasetId}/${uid}`;
  await stack.sql`insert into public.files (dataset_id, uid, object_key) values (${datasetId}, ${uid}, ${objectKey})`;
  const signed = await stack.admin.storage.from(BUCKET).createSignedUploadUrl(objectKey);
  if (signed.error) throw signed.error;
  const uploaded = await stack.admin.storage.from(BUCKET).uploadToSignedUrl(objectKey, signed.data.token, new Blob([`bytes of ${uid}`]));
  if (uploaded.error) throw uploaded.error;
  return objectKey;
}

async function objectNames(folder: string): Promise<string[]> {
  const { data, error } = await stack.admin.storage.from(BUCKET).list(folder);
  if (error) throw error;
  return data.map((object) => object.name).sort();
}

async function downloads(objectKey: string): Promise<boolean> {
  return !(await stack.admin.storage.from(BUCKET).download(objectKey)).error;
}

async function purgeJobOf(datasetId: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [job] = await stack.sql<{ state: string; result: unknown; progress_done: number; progress_total: number | null }[]>`
      select state, result, progress_done, progress_total from public.jobs
      where kind = 'purge' and params ->> 'datasetId' = ${datasetId} and state in ('complete', 'failed')`;
    if (job) return job;
    if (Date.now() > deadline) throw new Error(`no finished purge job for dataset ${datasetId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the purge sweep and the purge job", () => {
  it("purges a dataset past its grace period: rows and objects go, bytes a branch lists stay", async () => {
    const parent = await createDataset("parent");
    await addDocument(parent);
    await addDocument(parent);
    const ownObject = await addFile(parent, "only-mine");
    const sharedObject = await addFile(parent, "shared");
    const branch = await createDataset("branch", parent);
    await stack.sql`insert into public.files (dataset_id, uid, object_key) values (${branch}, 'shared', ${sharedObject})`;
    const branchDocument = await addDocument(branch);
    const expiredDocument = await addDocument(branch);
    await stack.sql`update public.datasets set deleted_at = now() - interval '8 days', delete_after = now() - interval '1 second'
                    where id = ${parent}`;
    await stack.sql`update public.documents set deleted_at = now() - interval '8 days', delete_after = now() - interval '1 second'
                    where id = ${expiredDocument}`;
    expect(await objectNames(parent)).toEqual(["only-mine", "shared"]);

    // One tick of the sweep (the runner's schedule is every minute).
    await stack.sql`select graphile_worker.add_job(${PURGE_DUE_DELETIONS_TASK})`;

    expect(await purgeJobOf(parent)).toEqual({ state: "complete", result: { removedObjects: 1 }, progress_done: 1, progress_total: 1 });
    expect(await stack.sql`select 1 from public.datasets where id = ${parent}`).toHaveLength(0);
    expect(await stack.sql`select 1 from public.documents where dataset_id = ${parent}`).toHaveLength(0);
    expect(await stack.sql`select 1 from public.files where dataset_id = ${parent}`).toHaveLength(0);
    expect(await objectNames(parent)).toEqual(["shared"]);
    expect(await downloads(ownObject)).toBe(false);
    expect(await downloads(sharedObject)).toBe(true);
    // The branch keeps its file and live document; its expired soft-deleted document is gone.
    expect(await stack.sql`select uploaded from public.files where dataset_id = ${branch}`).toEqual([{ uploaded: true }]);
    expect((await stack.sql`select id from public.documents where dataset_id = ${branch}`).map((row) => row.id)).toEqual([
      branchDocument,
    ]);
  });

  it("leaves a soft-deleted dataset inside its grace period alone", async () => {
    const dataset = await createDataset("still restorable");
    const object = await addFile(dataset, "kept");
    await stack.sql`update public.datasets set deleted_at = now(), delete_after = now() + interval '7 days' where id = ${dataset}`;

    await stack.sql`select graphile_worker.add_job(${PURGE_DUE_DELETIONS_TASK})`;
    await stack.sql`select graphile_worker.add_job(${PURGE_DUE_DELETIONS_TASK}, job_key => 'second tick')`;
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(await stack.sql`select 1 from public.datasets where id = ${dataset}`).toHaveLength(1);
    expect(await downloads(object)).toBe(true);
  });

  it("purges at once when a member deletes with when=now", async () => {
    const dataset = await createDataset("delete me now");
    const object = await addFile(dataset, "gone-now");

    const [deleted] = await runAs(stack.sql, { role: "authenticated", sub: memberId, aud: "authenticated" }, (tx) =>
      tx`select purged from public.delete_dataset(${dataset}, interval '0')`,
    );
    expect(deleted).toEqual({ purged: true });

    expect(await purgeJobOf(dataset)).toMatchObject({ state: "complete", result: { removedObjects: 1 } });
    expect(await objectNames(dataset)).toEqual([]);
    expect(await downloads(object)).toBe(false);
  });
});
