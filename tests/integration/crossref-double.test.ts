// The whole deposit flow over HTTP without the network: build → validate → deposit → poll, with
// the client configured from the same environment variables as production, against the local
// Crossref test double in each of its modes. One schema compile for the whole file.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCrossrefDouble, crossrefDoubleEnv, type CrossrefDouble } from "../../embedded/crossref/index.ts";
import { depositBatchId, depositFileName, nextDepositTimestamp } from "../../functions/_shared/crossref/batch.ts";
import { createCrossrefClient, type CrossrefClient } from "../../functions/_shared/crossref/client.ts";
import { crossrefConfigFromEnv, type CrossrefConfig } from "../../functions/_shared/crossref/config.ts";
import { parseDatasetForDeposit, type DatasetForDeposit } from "../../functions/_shared/crossref/dataset.ts";
import { buildDepositXml, NDI_CLOUD_DATABASE, type DatabaseMetadata } from "../../functions/_shared/crossref/deposit-xml.ts";
import { CrossrefRequestError } from "../../functions/_shared/crossref/errors.ts";
import { outcomeForDoi } from "../../functions/_shared/crossref/submission-result.ts";
import { sharedXsdValidator } from "../../functions/_shared/crossref/xsd-validator.ts";
import { serveOnFreePort, type RunningServer } from "../support/serve.ts";

const USERNAME = "ndic-test-role";
const PASSWORD = "double password";
const DATABASE_DOI = NDI_CLOUD_DATABASE.doiData!.doi;

const validator = sharedXsdValidator();
let double: CrossrefDouble;
let server: RunningServer;
let config: CrossrefConfig;
let client: CrossrefClient;

function configFor(url: string, overrides: Record<string, string> = {}): CrossrefConfig {
  const env = { ...crossrefDoubleEnv(url, { username: USERNAME, password: PASSWORD }), ...overrides };
  return crossrefConfigFromEnv((name) => env[name]);
}

beforeAll(async () => {
  await validator.ready();
  double = createCrossrefDouble({ username: USERNAME, password: PASSWORD, validator });
  server = await serveOnFreePort(double.app);
  config = configFor(server.url);
  client = createCrossrefClient({ ...config.endpoint, timeoutMs: 5_000 });
}, 60_000);

afterAll(() => server?.close());

beforeEach(() => {
  double.reset();
  double.setMode("success");
});

let datasetCounter = 0;
function newDataset(fields: Record<string, unknown> = {}): DatasetForDeposit {
  datasetCounter += 1;
  return parseDatasetForDeposit({
    _id: datasetCounter.toString(16).padStart(24, "0"),
    name: `Dataset ${datasetCounter}`,
    doi: `10.63884/ndic.2026.t${datasetCounter.toString().padStart(7, "0")}`,
    contributors: [{ firstName: "Jane", lastName: "Example", orcid: "0000-0002-1825-0097" }],
    createdAt: "2026-03-01T09:08:07.000Z",
    updatedAt: "2026-03-15T14:30:05.123Z",
    ...fields,
  });
}

interface Prepared {
  xml: string;
  fileName: string;
  timestamp: string;
}

function prepare(datasets: DatasetForDeposit[], previousTimestamp?: string, database?: DatabaseMetadata): Prepared {
  const timestamp = nextDepositTimestamp(previousTimestamp);
  const batchId = depositBatchId(
    datasets.map((dataset) => dataset.doi),
    timestamp,
  );
  const { xml } = buildDepositXml({
    batchId,
    timestamp,
    depositor: config.depositor,
    registrant: config.registrant,
    landingPageBase: config.landingPageBase,
    datasets,
    database,
  });
  return { xml, fileName: depositFileName(batchId), timestamp };
}

async function depositChecked(prepared: Prepared): Promise<void> {
  expect(await validator.validate(prepared.xml)).toEqual({ valid: true, errors: [] });
  await client.deposit({ xml: prepared.xml, fileName: prepared.fileName });
}

async function requestError(promise: Promise<unknown>): Promise<CrossrefRequestError> {
  const error = await promise.then(
    () => expect.unreachable("expected a CrossrefRequestError"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CrossrefRequestError);
  return error as CrossrefRequestError;
}

describe("success", () => {
  it("registers a new DOI and keeps what was deposited", async () => {
    const dataset = newDataset();
    const deposit = prepare([dataset]);
    await depositChecked(deposit);

    const outcome = await client.fetchResult(deposit.fileName);
    expect(outcome).toMatchObject({ state: "registered", batchStatus: "completed", batchId: deposit.fileName.replace(/\.xml$/, "") });
    expect(outcome.records.map(({ doi, status }) => [doi, status])).toEqual([
      [DATABASE_DOI, "success"],
      [dataset.doi, "success"],
    ]);
    expect(outcome.counts).toEqual({ records: 2, successes: 2, warnings: 0, failures: 0 });
    expect(outcomeForDoi(outcome, dataset.doi)).toEqual({ state: "registered", message: "Successfully added" });
    expect(await client.fetchDeposited(deposit.fileName)).toBe(deposit.xml);
  });

  it("updates a DOI re-deposited with a newer timestamp and fails one sent with a stale timestamp", async () => {
    const dataset = newDataset();
    const first = prepare([dataset]);
    await depositChecked(first);
    const update = prepare([{ ...dataset, name: "Renamed" }], first.timestamp);
    await depositChecked(update);
    const updated = await client.fetchResult(update.fileName);
    expect(outcomeForDoi(updated, dataset.doi)).toEqual({ state: "registered", message: "Successfully updated" });

    const staleXml = update.xml.replaceAll(update.timestamp, first.timestamp);
    await client.deposit({ xml: staleXml, fileName: `stale-${update.fileName}` });
    const stale = await client.fetchResult(`stale-${update.fileName}`);
    expect(stale.state).toBe("failed");
    expect(outcomeForDoi(stale, dataset.doi)).toEqual({
      state: "failed",
      message: `Record not processed because submitted version: ${first.timestamp} is less or equal to previously submitted version (DOI match)`,
    });
  });

  it("registers several datasets from one batch and finds the log by doi_batch_id too", async () => {
    const datasets = [newDataset(), newDataset(), newDataset()];
    const deposit = prepare(datasets);
    await depositChecked(deposit);
    const outcome = await client.fetchResult(deposit.fileName);
    for (const dataset of datasets) expect(outcomeForDoi(outcome, dataset.doi).state).toBe("registered");

    const byBatchId = new URL(config.endpoint.resultUrl);
    byBatchId.search = new URLSearchParams({ usr: USERNAME, pwd: PASSWORD, doi_batch_id: outcome.batchId!, type: "result" }).toString();
    expect(await (await fetch(byBatchId)).text()).toContain('status="completed"');
  });

  it("fails records under a prefix the account may not use", async () => {
    const foreignDatabase = { ...NDI_CLOUD_DATABASE, doiData: undefined };
    const deposit = prepare([newDataset({ doi: "10.5555/ndic.2026.foreign1" })], undefined, foreignDatabase);
    await depositChecked(deposit);
    const outcome = await client.fetchResult(deposit.fileName);
    expect(outcome).toMatchObject({ state: "failed", message: "10.5555/ndic.2026.foreign1: User not allowed to add records for prefix: 10.5555" });
  });
});

describe("other answers", () => {
  it("warning: the DOI is added with Crossref's conflict warning", async () => {
    double.setMode("warning");
    const dataset = newDataset();
    const deposit = prepare([dataset]);
    await depositChecked(deposit);
    const outcome = await client.fetchResult(deposit.fileName);
    expect(outcome.state).toBe("warning");
    expect(outcomeForDoi(outcome, dataset.doi)).toEqual({ state: "warning", message: "Added with conflict" });
  });

  it("failure: every record of the deposit fails with the diagnostic", async () => {
    double.setMode("failure");
    const dataset = newDataset();
    const deposit = prepare([dataset]);
    await depositChecked(deposit);
    const outcome = await client.fetchResult(deposit.fileName);
    expect(outcome.state).toBe("failed");
    expect(outcomeForDoi(outcome, dataset.doi)).toEqual({
      state: "failed",
      message: "Record not processed: failure requested from the Crossref test double",
    });
  });

  it("invalid XML: accepted as upload, failed in the log with the schema diagnostic", async () => {
    const dataset = newDataset();
    const deposit = prepare([dataset]);
    const invalid = deposit.xml.replace("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097");
    await client.deposit({ xml: invalid, fileName: deposit.fileName });
    const outcome = await client.fetchResult(deposit.fileName);
    expect(outcome.state).toBe("failed");
    expect(outcome.batchId).toBe(deposit.fileName);
    const { state, message } = outcomeForDoi(outcome, dataset.doi);
    expect(state).toBe("failed");
    expect(message).toMatch(/^Error: line \d+: Element '\{http:\/\/www\.crossref\.org\/schema\/5\.3\.1\}ORCID': \[facet 'pattern'\]/);

    await client.deposit({ xml: "this is not XML", fileName: "garbage.xml" });
    expect((await client.fetchResult("garbage.xml")).message).toMatch(/^Error: line 1: /);
  });

  it("pending: the log stays in_process however often it is asked", async () => {
    double.setMode("pending");
    const deposit = prepare([newDataset()]);
    await depositChecked(deposit);
    for (let poll = 0; poll < 3; poll++) {
      expect(await client.fetchResult(deposit.fileName)).toMatchObject({ state: "submitted", batchStatus: "in_process" });
    }
  });

  it("slow processing: the log is final only after the configured number of polls", async () => {
    const slow = createCrossrefDouble({ username: USERNAME, password: PASSWORD, validator, pollsBeforeCompletion: 2 });
    const slowServer = await serveOnFreePort(slow.app);
    try {
      const slowClient = createCrossrefClient(configFor(slowServer.url).endpoint);
      const deposit = prepare([newDataset()]);
      await slowClient.deposit({ xml: deposit.xml, fileName: deposit.fileName });
      const states = [];
      for (let poll = 0; poll < 3; poll++) states.push((await slowClient.fetchResult(deposit.fileName)).state);
      expect(states).toEqual(["submitted", "submitted", "registered"]);
    } finally {
      await slowServer.close();
    }
  });

  it("timeout: deposit and result requests hang until the client gives up, then service resumes", async () => {
    double.setMode("timeout");
    const impatient = createCrossrefClient({ ...config.endpoint, timeoutMs: 200 });
    const deposit = prepare([newDataset()]);
    expect(await requestError(impatient.deposit({ xml: deposit.xml, fileName: deposit.fileName }))).toMatchObject({
      failure: "timeout",
      retryable: true,
    });
    expect(await requestError(impatient.fetchResult(deposit.fileName))).toMatchObject({ failure: "timeout" });
    expect(double.submissions()).toHaveLength(0);

    double.setMode("success");
    await impatient.deposit({ xml: deposit.xml, fileName: deposit.fileName });
    expect((await impatient.fetchResult(deposit.fileName)).state).toBe("registered");
  });

  it("auth failure: wrong credentials are refused on deposit and on results, without echoing them", async () => {
    const intruder = createCrossrefClient({ ...configFor(server.url, { CROSSREF_PASSWORD: "wrong secret" }).endpoint });
    const deposit = prepare([newDataset()]);
    const refused = await requestError(intruder.deposit({ xml: deposit.xml, fileName: deposit.fileName }));
    expect(refused).toMatchObject({ failure: "auth", retryable: false, httpStatus: 401 });
    expect(refused.message).not.toContain("wrong secret");
    expect(await requestError(intruder.fetchResult(deposit.fileName))).toMatchObject({ failure: "auth", httpStatus: 401 });
    expect(double.submissions()).toHaveLength(0);
  });

  it("an upload it never saw is an unknown submission, still pending for the poller", async () => {
    expect(await client.fetchResult("never-sent.xml")).toMatchObject({ state: "submitted", batchStatus: "unknown_submission" });
  });
});

describe("servlet request checks and the control endpoint", () => {
  it("refuses malformed requests the way a servlet would", async () => {
    const plain = await fetch(config.endpoint.depositUrl, { method: "POST", body: "<doi_batch/>", headers: { "Content-Type": "application/xml" } });
    expect(plain.status).toBe(400);
    const noFile = new FormData();
    noFile.set("login_id", USERNAME);
    noFile.set("login_passwd", PASSWORD);
    noFile.set("fname", "<doi_batch/>");
    expect((await fetch(config.endpoint.depositUrl, { method: "POST", body: noFile })).status).toBe(400);
    const ask = (query: Record<string, string>) =>
      fetch(`${config.endpoint.resultUrl}?${new URLSearchParams({ usr: USERNAME, pwd: PASSWORD, ...query })}`).then((response) => response.status);
    expect(await ask({ file_name: "x.xml" })).toBe(400);
    expect(await ask({ file_name: "x.xml", doi_batch_id: "x", type: "result" })).toBe(400);
  });

  it("switches mode over HTTP and lists the uploads", async () => {
    const control = new URL("/_double", server.url).toString();
    const bad = await fetch(`${control}/mode`, { method: "PUT", body: JSON.stringify({ mode: "explode" }) });
    expect(bad.status).toBe(400);
    const switched = await fetch(`${control}/mode`, { method: "PUT", body: JSON.stringify({ mode: "warning" }) });
    expect(switched.status).toBe(200);
    expect(double.mode).toBe("warning");

    const deposit = prepare([newDataset()]);
    await client.deposit({ xml: deposit.xml, fileName: deposit.fileName });
    const state = (await (await fetch(control)).json()) as { mode: string; submissions: Array<{ fileName: string; records: unknown[] }> };
    expect(state.mode).toBe("warning");
    expect(state.submissions.map((submission) => submission.fileName)).toEqual([deposit.fileName]);
    expect(state.submissions[0]!.records).toHaveLength(2);
    expect(() => double.setMode("explode" as never)).toThrow();
  });
});
