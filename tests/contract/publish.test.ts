// Submit, publish, unpublish (contract R24–R26, 9.1) through the publish-dataset Edge Function:
// the change is visible to the very next GET, refusals keep their status, publishing reports what
// a DOI lacks and queues one Crossref deposit, and the audit log names who did it.
import { describe, expect, it } from "vitest";
import { publishResultSchema } from "../../gateway/routes/datasets/datasets.schemas.ts";
import { call, createDatasetViaApi, enc, expectError, getDataset, NO_SUCH_ID, useDatasetsWorld } from "./datasets.fixtures.ts";

const world = useDatasetsWorld();

const api = (path: string, options?: Parameters<typeof call>[2]) => call(world.stack, path, options);

async function act(datasetId: string, action: "submit" | "publish" | "unpublish", token: string, contentType?: string) {
  return api(`datasets/${enc(datasetId)}/${action}`, { token, method: "POST", contentType });
}

describe("R24 submit", () => {
  it("sets isSubmitted for a member, with no body (Python) or an empty JSON body (MATLAB), repeatably", async () => {
    const id = await createDatasetViaApi(world);
    const first = await act(id, "submit", world.tokens.member);
    expect(first.status).toBe(200);
    expect(publishResultSchema.parse(first.body)).toMatchObject({ datasetId: id, action: "submit", isSubmitted: true });
    expect((await getDataset(world, id, world.tokens.member)).isSubmitted).toBe(true);
    expect((await act(id, "submit", world.tokens.member, "application/json")).status).toBe(200);
  });

  it("is 403 for a viewer, 404 for unknown and foreign datasets, 400 for malformed ids, 401 without a token", async () => {
    const id = await createDatasetViaApi(world);
    expectError(await act(id, "submit", world.tokens.viewer), 403);
    expectError(await act(id, "submit", world.tokens.memberB), 404);
    expectError(await act(NO_SUCH_ID, "submit", world.tokens.member), 404);
    expectError(await act("not-a-valid-id", "submit", world.tokens.member), 400);
    expectError(await api(`datasets/${id}/submit`, { method: "POST" }), 401);
    expect((await getDataset(world, id, world.tokens.member)).isSubmitted).toBe(false);
  });
});

describe("R25, R26 publish and unpublish", () => {
  it("publishes a thin dataset at once, reports what a DOI lacks, and queues one deposit however often it is repeated", async () => {
    const id = await createDatasetViaApi(world, { name: "Thin" });
    const response = await act(id, "publish", world.tokens.admin, "application/json");
    expect(response.status).toBe(200);
    const result = publishResultSchema.parse(response.body);
    expect(result).toMatchObject({ isPublished: true, doiStatus: "pending", missingForDoi: ["contributors", "abstract", "license"] });
    expect(result.doiStatusMessage).toMatch(/Crossref credentials are not configured/);
    expect(result.doiStatusMessage).toMatch(/Missing for a DOI: contributors, abstract, license/);

    // Visible to the next read, anonymously too, and listed as published.
    expect(await getDataset(world, id)).toMatchObject({ isPublished: true, doiStatus: "pending" });
    const published = await api("datasets/published?pageSize=1000");
    expect(published.body!.datasets.map((d: { id: string }) => d.id)).toContain(id);

    expect((await act(id, "publish", world.tokens.owner)).status).toBe(200);
    const jobs = await world.stack.sql`select state from public.jobs where kind = 'doi_deposit' and dataset_id = ${id}`;
    // One job, queued or being tried (without Crossref settings it retries with back-off).
    expect(jobs).toHaveLength(1);
    expect(["queued", "running"]).toContain(jobs[0]!.state);
  });

  it("counts referenced files that were never uploaded as missing for a DOI", async () => {
    const id = await createDatasetViaApi(world, {
      name: "Complete",
      abstract: "About",
      license: "CC-BY-4.0",
      contributors: [{ firstName: "Ada", lastName: "Lovelace" }],
    });
    const document = { base: { id: "d1" }, files: { file_info: [{ name: "a.bin", locations: [{ uid: "missing-uid" }] }] } };
    await world.stack.sql`insert into public.documents (dataset_id, data) values (${id}, ${world.stack.sql.json(document)})`;
    const result = publishResultSchema.parse((await act(id, "publish", world.tokens.admin)).body);
    expect(result.missingForDoi).toEqual(["1 referenced file(s) not uploaded"]);
  });

  it("records who published and unpublished in the audit log", async () => {
    const id = await createDatasetViaApi(world);
    await act(id, "publish", world.tokens.admin);
    expect((await act(id, "unpublish", world.tokens.admin)).status).toBe(200);
    const entries = await world.stack.sql<{ action: string; actor_id: string | null }[]>`
      select action, actor_id from public.audit_log where table_name = 'datasets' and row_id = ${id}
        and action in ('publish', 'unpublish') order by id`;
    expect(entries.map((e) => e.action)).toEqual(["publish", "unpublish"]);
    expect(entries.every((e) => e.actor_id !== null)).toBe(true);
  });

  it("unpublishes for admins: isPublished is false on the next read and the dataset leaves the public", async () => {
    const id = await createDatasetViaApi(world);
    await act(id, "publish", world.tokens.admin);
    const response = await act(id, "unpublish", world.tokens.owner, "application/json");
    expect(response.status).toBe(200);
    expect(publishResultSchema.parse(response.body).isPublished).toBe(false);
    expect((await getDataset(world, id, world.tokens.member)).isPublished).toBe(false);
    expectError(await api(`datasets/${id}`), 404);
  });

  it("leaves publishing to organization admins: members and viewers 403, other organizations 404", async () => {
    const id = await createDatasetViaApi(world);
    expectError(await act(id, "publish", world.tokens.member), 403);
    expectError(await act(id, "publish", world.tokens.viewer), 403);
    expectError(await act(id, "publish", world.tokens.memberB), 404);
    expectError(await act(NO_SUCH_ID, "publish", world.tokens.admin), 404);
    await act(id, "publish", world.tokens.admin);
    expectError(await act(id, "unpublish", world.tokens.member), 403);
    expect((await getDataset(world, id)).isPublished).toBe(true);
  });
});
