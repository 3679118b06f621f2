// DOI registration end to end: publishing through the gateway queues a doi_deposit job, the
// crossref-deposit Edge Function deposits XSD-valid XML at the local Crossref double, the job
// polls its log, and the dataset's API fields (doi, doiStatus, doiStatusMessage) show the outcome;
// every answer of the double ends in the right state, retries never mint a second DOI, and an
// invalid deposit is never sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@supabase/supabase-js";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { localCrossrefDouble, type CrossrefSetup } from "../../embedded/crossref-setup.ts";
import { startSupabaseServices } from "../../embedded/stack.ts";
import { sharedXsdValidator } from "../../functions/_shared/crossref/index.ts";
import { doiRetry, doiStatus } from "../../scripts/admin/doi.ts";
import { call, enc } from "../contract/datasets.fixtures.ts";
import { createTestDatabase } from "../support/database.ts";
import { captureOutput } from "../support/console.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

const DOI_URL = /^https:\/\/doi\.org\/(10\.63884\/ndic\.\d{4}\.[a-z0-9]{8})$/;
const FAST = { CROSSREF_POLL_DELAY_MS: "200", CROSSREF_TIMEOUT_MS: "1000" };

interface World {
  stack: TestStack;
  crossref: CrossrefSetup;
  organizationId: string;
  adminToken: string;
}

async function startWorld(crossref: CrossrefSetup): Promise<World> {
  const stack = await startTestStack({ crossref });
  const [organization] = await stack.sql<{ id: string }[]>`insert into public.organizations (name) values ('DOI Lab') returning id`;
  const user = await stack.createUser();
  await stack.sql`insert into public.organization_members (organization_id, user_id, role) values (${organization!.id}, ${user.id}, 'admin')`;
  const auth = createClient(stack.supabaseUrl, stack.keys.anonKey, { auth: { persistSession: false } }).auth;
  const { data, error } = await auth.signInWithPassword({ email: user.email, password: user.password });
  if (error) throw error;
  return { stack, crossref, organizationId: organization!.id, adminToken: data.session.access_token };
}

/** Creates and publishes a dataset through the gateway, as the clients do (publish with no body). */
async function publishNew(world: World, fields: Record<string, unknown>): Promise<string> {
  const created = await call(world.stack, `organizations/${world.organizationId}/datasets`, { token: world.adminToken, method: "POST", body: fields });
  expect(created.status).toBe(201);
  const id = created.body!.id as string;
  expect((await call(world.stack, `datasets/${enc(id)}/publish`, { token: world.adminToken, method: "POST" })).status).toBe(200);
  return id;
}

async function datasetOf(world: World, id: string) {
  const response = await call(world.stack, `datasets/${enc(id)}`);
  expect(response.status).toBe(200);
  return response.body as { doi: string | null; doiStatus: string | null; doiStatusMessage: string | null };
}

async function waitForDoi(world: World, id: string, done: (dataset: Awaited<ReturnType<typeof datasetOf>>) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dataset = await datasetOf(world, id);
    if (done(dataset)) return dataset;
    if (Date.now() > deadline) throw new Error(`DOI of ${id} still ${JSON.stringify(dataset)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function depositJobsSettled(world: World, id: string): Promise<void> {
  await expect
    .poll(async () => (await world.stack.sql`
      select 1 from public.jobs where dataset_id = ${id} and kind = 'doi_deposit' and state in ('queued', 'running')`).length, { timeout: 10_000 })
    .toBe(0);
}

const settled = (dataset: { doiStatus: string | null }) => dataset.doiStatus === "registered" || dataset.doiStatus === "failed";

function submissionsOf(world: World, doi: string) {
  return world.crossref.double!.submissions().filter((submission) => submission.xml.includes(`<doi>${doi}</doi>`));
}

const RICH = {
  name: `Ünïcödé: spikes & <waves> in 脑 — ${"a very long title ".repeat(80)}`,
  abstract: "Recordings of V1 neurons; α/β oscillations 🧠 and \"quotes\".",
  contributors: Array.from({ length: 40 }, (_, i) => ({
    firstName: i % 2 ? "José" : "Zoë",
    lastName: `Nguyễn-${String.fromCharCode(65 + (i % 26))}`,
    orcid: i === 0 ? "0000-0002-1825-0097" : i === 1 ? "not-an-orcid" : undefined,
  })),
  funding: { source: "National Institutes of Health" },
  license: "CC-BY-4.0",
};

describe("with the local Crossref double", () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld(localCrossrefDouble({ pollsBeforeCompletion: 1, hangMs: 3_000 }, FAST));
  }, 60_000);

  afterAll(async () => {
    await world?.stack.stop();
  });

  it("publishing ends in a registered DOI, shown in the dataset's API fields, with XSD-valid XML at Crossref", async () => {
    const rich = await publishNew(world, RICH);
    const minimal = await publishNew(world, { name: "Only a name" });
    for (const id of [rich, minimal]) {
      const dataset = await waitForDoi(world, id, settled);
      expect(dataset).toMatchObject({ doiStatus: "registered", doiStatusMessage: expect.stringMatching(/^Registered with Crossref: Successfully added/) });
      const doi = DOI_URL.exec(dataset.doi ?? "")?.[1];
      expect(doi, dataset.doi ?? "no doi").toBeDefined();
      const [submission] = submissionsOf(world, doi!);
      expect((await sharedXsdValidator().validate(submission!.xml)).valid).toBe(true);
      expect(submission!.xml).toContain(`https://www.ndi-cloud.com/datasets/${id}`);
    }
    const [submission] = submissionsOf(world, DOI_URL.exec((await datasetOf(world, rich)).doi!)![1]!);
    expect(submission!.xml).toContain("Ünïcödé: spikes &amp; &lt;waves&gt; in 脑");
    expect(submission!.xml.match(/<person_name /g)).toHaveLength(40);
    expect(submission!.xml).toContain("https://orcid.org/0000-0002-1825-0097");
    const [record] = await world.stack.sql`select deposit_warnings from public.dataset_dois where dataset_id = ${rich}`;
    expect(JSON.stringify(record!.deposit_warnings)).toMatch(/ORCID/i);

    const status = await captureOutput(() => doiStatus.run(world.stack.adminContext(), { values: {}, positionals: [rich] }));
    expect(status).toMatch(new RegExp(`${rich}\\s+registered\\s+10.63884/ndic`));
    expect(status).toMatch(/Registered with Crossref: Successfully added/);
  });

  it("replaces a client's placeholder DOI with a minted one and adopts a DOI already under NDI's prefix", async () => {
    const placeholder = await publishNew(world, { name: "MATLAB style", doi: "https://doi.org://10.1000/123456789" });
    const adopted = await publishNew(world, { name: "Registered by the admin tools", doi: "https://doi.org/10.63884/ndic.2025.abcd1234" });
    expect((await waitForDoi(world, placeholder, settled)).doi).toMatch(DOI_URL);
    expect(await waitForDoi(world, adopted, settled)).toMatchObject({ doi: "https://doi.org/10.63884/ndic.2025.abcd1234", doiStatus: "registered" });
  });

  it("records Crossref's warning and keeps the DOI registered", async () => {
    world.crossref.double!.setMode("warning");
    try {
      const id = await publishNew(world, { name: "Conflicting" });
      const dataset = await waitForDoi(world, id, settled);
      expect(dataset).toMatchObject({ doiStatus: "registered", doiStatusMessage: expect.stringMatching(/^Registered with a warning from Crossref: .*conflict/i) });
    } finally {
      world.crossref.double!.setMode("success");
    }
  });

  it("fails with Crossref's diagnostic, and a retry deposits the same DOI again without minting another", async () => {
    world.crossref.double!.setMode("failure");
    const id = await publishNew(world, { name: "Refused" });
    const failed = await waitForDoi(world, id, settled);
    world.crossref.double!.setMode("success");
    expect(failed).toMatchObject({ doiStatus: "failed", doiStatusMessage: expect.stringMatching(/^Crossref did not register the DOI: .*failure requested/) });
    const doi = DOI_URL.exec(failed.doi!)![1]!;

    for (let retry = 0; retry < 2; retry++) {
      // The function records the outcome before its job task completes the job row; doi-retry
      // rightly refuses while that step still runs.
      await depositJobsSettled(world, id);
      await captureOutput(() => doiRetry.run(world.stack.adminContext(), { values: {}, positionals: [id] }));
      expect(await waitForDoi(world, id, (dataset) => dataset.doiStatus === "registered")).toMatchObject({ doi: failed.doi });
    }
    const submissions = submissionsOf(world, doi);
    expect(submissions).toHaveLength(3);
    const timestamps = submissions.map((submission) => BigInt(/<timestamp>(\d+)<\/timestamp>/.exec(submission.xml)![1]!));
    expect(timestamps[1]! > timestamps[0]! && timestamps[2]! > timestamps[1]!).toBe(true);
    expect(submissions[2]!.records?.[0]?.message).toMatch(/updated/i);
    expect(await world.stack.sql`select doi from public.dataset_dois where dataset_id = ${id}`).toEqual([{ doi }]);
  }, 40_000);

  it("re-publishing re-deposits the same DOI with a newer timestamp", async () => {
    const id = await publishNew(world, { name: "Published twice" });
    const first = await waitForDoi(world, id, settled);
    const doi = DOI_URL.exec(first.doi ?? "")![1]!;
    const unpublish = await call(world.stack, `datasets/${enc(id)}/unpublish`, { token: world.adminToken, method: "POST" });
    expect(unpublish.status).toBe(200);
    const republish = await call(world.stack, `datasets/${enc(id)}/publish`, { token: world.adminToken, method: "POST" });
    expect(republish.status).toBe(200);

    await expect.poll(() => submissionsOf(world, doi).length, { timeout: 20_000 }).toBe(2);
    const again = await waitForDoi(world, id, (dataset) => settled(dataset) && /updated/.test(dataset.doiStatusMessage ?? ""));
    expect(again).toMatchObject({ doi: first.doi, doiStatus: "registered" });
    const [before, after] = submissionsOf(world, doi).map((submission) => BigInt(/<timestamp>(\d+)<\/timestamp>/.exec(submission.xml)![1]!));
    expect(after! > before!).toBe(true);
  });

  it("keeps the DOI pending while Crossref does not answer, and registers it once Crossref is back", async () => {
    world.crossref.double!.setMode("timeout");
    const id = await publishNew(world, { name: "Patient" });
    const waiting = await waitForDoi(world, id, (dataset) => /retried/.test(dataset.doiStatusMessage ?? ""));
    expect(waiting).toMatchObject({ doiStatus: "pending", doiStatusMessage: expect.stringMatching(/did not answer within 1000 ms; the deposit will be retried/) });
    world.crossref.double!.setMode("success");
    expect(await waitForDoi(world, id, settled, 30_000)).toMatchObject({ doiStatus: "registered" });
  }, 40_000);

  it("fails a deposit Crossref never processes once the polling deadline has passed", async () => {
    world.crossref.double!.setMode("pending");
    try {
      const id = await publishNew(world, { name: "Stuck" });
      await waitForDoi(world, id, (dataset) => dataset.doiStatus === "submitted");
      await world.stack.sql`update public.dataset_dois set deposited_at = now() - interval '4 days' where dataset_id = ${id}`;
      expect(await waitForDoi(world, id, settled)).toMatchObject({
        doiStatus: "failed",
        doiStatusMessage: expect.stringMatching(/^Crossref has not processed deposit .* within 72 hours/),
      });
    } finally {
      world.crossref.double!.setMode("success");
    }
  });

  it("deposits several datasets in one batch when asked, and only for the service role", async () => {
    const ids = await Promise.all(["One", "Two", "Three"].map((name) => insertPublished(world.stack.sql, name)));
    const invoke = (key: string, body: unknown) =>
      fetch(`${world.stack.supabaseUrl}/functions/v1/crossref-deposit`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await invoke(world.stack.keys.anonKey, { action: "deposit", datasetIds: ids })).status).toBe(403);
    expect((await invoke(world.stack.keys.serviceRoleKey, { action: "deposit", datasetIds: [] })).status).toBe(400);

    const response = await invoke(world.stack.keys.serviceRoleKey, { action: "deposit", datasetIds: ids });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { outcome: string; fileName: string; datasets: Array<{ doi: string }> };
    expect(result).toMatchObject({ outcome: "submitted", fileName: expect.stringMatching(/-and-2-more-\d{17}\.xml$/) });
    const submission = world.crossref.double!.submissions().find((candidate) => candidate.fileName === result.fileName)!;
    for (const { doi } of result.datasets) expect(submission.xml).toContain(`<doi>${doi}</doi>`);
    expect(new Set(result.datasets.map((dataset) => dataset.doi)).size).toBe(3);
  });
});

/** A published dataset with no queued deposit (inserted directly, as the superuser). */
async function insertPublished(sql: TestStack["sql"], name: string, newOrganization = false): Promise<string> {
  const [organization] = newOrganization
    ? await sql<{ id: string }[]>`insert into public.organizations (name) values ('Restart Lab') returning id`
    : await sql<{ id: string }[]>`select id from public.organizations limit 1`;
  const [dataset] = await sql<{ id: string }[]>`
    insert into public.datasets (organization_id, name, is_published) values (${organization!.id}, ${name}, true) returning id`;
  return dataset!.id;
}

describe("misconfigured Crossref", () => {
  it("never sends XML the schema rejects, and the dataset says why", async () => {
    const world = await startWorld(localCrossrefDouble({}, { ...FAST, CROSSREF_LANDING_PAGE_BASE: `https://example.org/${"x".repeat(2100)}/` }));
    try {
      const id = await publishNew(world, { name: "Too long a landing page" });
      const dataset = await waitForDoi(world, id, settled);
      expect(dataset).toMatchObject({ doiStatus: "failed", doiStatusMessage: expect.stringMatching(/^The deposit XML does not validate against Crossref's schema, so it was not sent: .*resource/) });
      expect(world.crossref.double!.submissions()).toHaveLength(0);
    } finally {
      await world.stack.stop();
    }
  }, 60_000);

  it("fails on credentials Crossref refuses, with its message", async () => {
    const crossref = localCrossrefDouble({}, { ...FAST, CROSSREF_PASSWORD: "wrong" });
    const world = await startWorld(crossref);
    try {
      const id = await publishNew(world, { name: "Wrong password" });
      expect(await waitForDoi(world, id, settled)).toMatchObject({ doiStatus: "failed", doiStatusMessage: expect.stringMatching(/HTTP 401 .*Login failed/) });
      expect(crossref.double!.submissions()).toHaveLength(0);
    } finally {
      await world.stack.stop();
    }
  }, 60_000);
});

describe("a restart in the middle of polling", () => {
  it("resumes from the job queue and registers the DOI", async () => {
    const database = await createTestDatabase();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "ndi-doi-"));
    const crossref = localCrossrefDouble({ pollsBeforeCompletion: 2 }, { CROSSREF_POLL_DELAY_MS: "1500" });
    const options = {
      adminUrl: database.adminUrl,
      gatewayDatabaseUrl: database.authenticatorUrl,
      dataDir,
      jwtSecret: randomBytes(32).toString("base64url"),
      crossref,
      logLevel: "warn" as const,
    };
    let services = await startSupabaseServices(options);
    try {
      const id = await insertPublished(services.sql, "Across a restart", true);
      await services.sql`insert into public.jobs (kind, dataset_id, params) values ('doi_deposit', ${id}, ${services.sql.json({ datasetId: id })})`;
      const statusOf = async () => (await services.sql<{ doi_status: string }[]>`select doi_status from public.datasets where id = ${id}`)[0]!.doi_status;
      await until(async () => (await statusOf()) === "submitted");
      await services.stop();
      expect(crossref.double!.submissions()[0]!.polls).toBeLessThan(2);

      services = await startSupabaseServices(options);
      await until(async () => (await statusOf()) === "registered", 20_000);
      expect(crossref.double!.submissions()).toHaveLength(1);
      // The function records "registered" before its job task marks the job row complete.
      const jobStates = async () =>
        (await services.sql<{ state: string }[]>`select state from public.jobs where dataset_id = ${id} order by id`).map((job) => job.state);
      await until(async () => (await jobStates()).every((state) => state !== "queued" && state !== "running"));
      expect(new Set(await jobStates())).toEqual(new Set(["complete"]));
    } finally {
      await services.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
