// File bulk uploads (contract R43, R45, R46, 12.13, 12.20): the zip upload URL and its job, which
// exists `queued` as soon as the URL is handed out, read back one by one and listed per dataset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkUploadJobSchema, bulkUploadUrlSchema } from "../../gateway/routes/bulk-uploads/bulk-uploads.routes.ts";
import { enc, NO_SUCH_DATASET, startFilesWorld, type FilesWorld } from "../support/files-world.ts";

let world: FilesWorld;
let draft: string;

beforeAll(async () => {
  world = await startFilesWorld();
  draft = await world.createDataset(world.orgA, "draft");
}, 60_000);

afterAll(async () => {
  await world?.stack.stop();
});

const JOB_KEYS = ["completedAt", "createdAt", "datasetId", "error", "filesExtracted", "jobId", "startedAt", "state", "totalFiles"];

const bulkPath = (datasetId: string, organizationId = world.orgA) => `datasets/${enc(organizationId)}/${enc(datasetId)}/files/bulk`;
const listPath = (datasetId: string, state?: string) =>
  `datasets/${enc(datasetId)}/bulk-uploads${state === undefined ? "" : `?state=${enc(state)}`}`;

async function requestBulkUpload(datasetId: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  const response = await world.api(bulkPath(datasetId), { token: world.tokens.member, ...init });
  expect(response.status).toBe(200);
  return bulkUploadUrlSchema.parse(await response.json());
}

async function job(jobId: string) {
  const response = await world.api(`bulk-uploads/${enc(jobId)}`, { token: world.tokens.member });
  expect(response.status).toBe(200);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(JOB_KEYS);
  return bulkUploadJobSchema.parse(body);
}

async function listedJobIds(datasetId: string, state?: string): Promise<string[]> {
  const response = await world.api(listPath(datasetId, state), { token: world.tokens.member });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { datasetId: string; jobs: Record<string, unknown>[] };
  expect(body.datasetId).toBe(datasetId);
  for (const item of body.jobs) expect(Object.keys(item).sort()).toEqual(JOB_KEYS);
  return body.jobs.map((item) => bulkUploadJobSchema.parse(item).jobId);
}

describe("R43 zip upload URL", () => {
  it.each([
    ["GET", {}],
    ["POST with no body (NDI-python)", { method: "POST" }],
    ["POST with an empty JSON body", { method: "POST", headers: { "Content-Type": "application/json" } }],
  ])("answers %s with a Storage URL and a job that is queued at once", async (_how, init) => {
    const { url, jobId } = await requestBulkUpload(draft, init);
    expect(url.startsWith(`${world.stack.supabaseUrl}/storage/v1/`)).toBe(true);
    expect(jobId).toMatch(/^[0-9a-f]{24}$/);

    expect(await job(jobId)).toEqual({
      jobId,
      datasetId: draft,
      state: "queued",
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      startedAt: null,
      completedAt: null,
      filesExtracted: 0,
      totalFiles: null,
      error: null,
    });
    expect(await listedJobIds(draft, "active")).toContain(jobId);
    expect(await listedJobIds(draft)).toContain(jobId);
  });

  it("wins over the single-file route for the uid `bulk` (contract 2)", async () => {
    const response = await world.api(bulkPath(draft), { token: world.tokens.member });
    expect(await response.json()).toHaveProperty("jobId");
  });

  it.each([
    ["an unknown dataset", (): string => NO_SUCH_DATASET, "member", 404],
    ["another organization's dataset", (): string => draft, "memberB", 404],
    ["a viewer", (): string => draft, "viewer", 403],
  ] as const)("refuses %s and queues nothing", async (_case, datasetId, actor, status) => {
    const before = await world.stack.sql`select id from public.jobs`;
    const response = await world.api(bulkPath(datasetId()), { token: world.tokens[actor] });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ message: expect.any(String), code: expect.any(String) });
    expect(await world.stack.sql`select id from public.jobs`).toHaveLength(before.length);
  });

  it("needs a bearer token", async () => {
    expect((await world.api(bulkPath(draft))).status).toBe(401);
  });
});

describe("R45 and R46 job records", () => {
  it("lists a fresh dataset's jobs as empty under every filter", async () => {
    const fresh = await world.createDataset(world.orgA, "fresh");
    for (const state of [undefined, "active", "all", "queued", "extracting", "complete", "failed"]) {
      expect(await listedJobIds(fresh, state)).toEqual([]);
    }
  });

  it("keeps failed jobs listed under all and failed, not under active, with their error", async () => {
    const dataset = await world.createDataset(world.orgA, "with history");
    const { jobId: failed } = await requestBulkUpload(dataset);
    const { jobId: queued } = await requestBulkUpload(dataset);
    await world.stack.sql`update public.jobs set state = 'failed', error = 'zip is truncated' where id = ${failed}`;

    expect(await job(failed)).toMatchObject({ state: "failed", error: "zip is truncated", completedAt: expect.any(String) });
    expect(await listedJobIds(dataset, "active")).toEqual([queued]);
    expect(await listedJobIds(dataset, "failed")).toEqual([failed]);
    expect(await listedJobIds(dataset, "queued")).toEqual([queued]);
    expect(await listedJobIds(dataset, "all")).toEqual([queued, failed]);
  });

  it("shows a running job as extracting", async () => {
    const dataset = await world.createDataset(world.orgA, "extracting");
    const { jobId } = await requestBulkUpload(dataset);
    await world.stack.sql`update public.jobs set state = 'running', progress_done = 3, progress_total = 10 where id = ${jobId}`;
    expect(await job(jobId)).toMatchObject({ state: "extracting", filesExtracted: 3, totalFiles: 10, startedAt: expect.any(String) });
    expect(await listedJobIds(dataset, "extracting")).toEqual([jobId]);
    expect(await listedJobIds(dataset, "active")).toEqual([jobId]);
  });

  it("gives 404 for unknown jobs and for other organizations' jobs", async () => {
    const { jobId } = await requestBulkUpload(draft);
    for (const [id, token] of [["no-such-job-123", world.tokens.member], [NO_SUCH_DATASET, world.tokens.member], [jobId, world.tokens.memberB]]) {
      const response = await world.api(`bulk-uploads/${enc(id!)}`, { token });
      expect(response.status).toBe(404);
    }
    expect((await world.api(listPath(draft, "all"), { token: world.tokens.memberB })).status).toBe(404);
    expect((await world.api(listPath(NO_SUCH_DATASET), { token: world.tokens.member })).status).toBe(404);
  });

  it("refuses an unknown state filter with 400", async () => {
    const response = await world.api(listPath(draft, "timeout"), { token: world.tokens.member });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: expect.stringContaining("state") });
  });

  it("needs a bearer token", async () => {
    expect((await world.api(listPath(draft))).status).toBe(401);
    expect((await world.api(`bulk-uploads/${NO_SUCH_DATASET}`)).status).toBe(401);
  });
});
