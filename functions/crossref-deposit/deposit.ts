// One deposit for one or many published datasets: DOIs (minted once per dataset), a timestamp
// larger than any before, the doi_batch built and validated against Crossref's XSD (an invalid
// deposit is recorded with the validator's reasons and never sent), then the upload. The
// deposit's identity is committed before the upload, so a crash in between only wastes a
// timestamp; the next attempt makes a new deposit of the same DOIs.
import type postgres from "npm:postgres@3";
import { ZodError } from "npm:zod@4";
import {
  buildDepositXml,
  createCrossrefClient,
  CrossrefRequestError,
  depositBatchId,
  depositFileName,
  DepositInputError,
  nextDepositTimestamp,
  parseDatasetForDeposit,
  sharedXsdValidator,
  type DatasetForDeposit,
  type DepositWarning,
} from "../_shared/crossref/index.ts";
import { resultFor, type DepositResult } from "./result.ts";
import type { DepositSettings } from "./settings.ts";
import {
  asServiceRole,
  claimDoi,
  lastDepositTimestamp,
  lockDeposits,
  markDeposited,
  publishedDatasets,
  recordDeposit,
  setStatusOfDatasets,
  setStatusOfDeposit,
  type Tx,
} from "./store.ts";

export interface DepositRequest {
  datasetIds: string[];
  /** The job's last attempt: a Crossref outage fails the datasets instead of asking for a retry. */
  finalAttempt: boolean;
}

interface PreparedDeposit {
  datasets: DatasetForDeposit[];
  fileName: string;
  xml: string;
  warnings: DepositWarning[];
}

export async function depositDatasets(sql: postgres.Sql, settings: DepositSettings, request: DepositRequest): Promise<DepositResult> {
  const validator = sharedXsdValidator();
  await validator.ready(); // compiled before the lock is taken: seconds on a cold start
  const prepared = await asServiceRole(sql, async (tx) => {
    await lockDeposits(tx);
    const deposit = await prepare(tx, settings, request.datasetIds);
    if ("outcome" in deposit) return deposit;
    const check = await validator.validate(deposit.xml);
    if (!check.valid) {
      const message = `The deposit XML does not validate against Crossref's schema, so it was not sent: ${check.errors.join("; ")}`;
      await setStatusOfDatasets(tx, idsOf(deposit.datasets), "failed", message);
      return resultFor("finished", message, depositedOf(deposit.datasets), "failed", { fileName: deposit.fileName });
    }
    await setStatusOfDatasets(tx, idsOf(deposit.datasets), "pending", `Sending deposit ${deposit.fileName} to Crossref`);
    return deposit;
  });
  if ("outcome" in prepared) return prepared;
  return send(sql, settings, prepared, request.finalAttempt);
}

/** DOIs, timestamp, batch id and XML, recorded on the datasets; or the result when there is nothing to send. */
async function prepare(tx: Tx, settings: DepositSettings, datasetIds: readonly string[]): Promise<PreparedDeposit | DepositResult> {
  const rows = await publishedDatasets(tx, datasetIds);
  if (rows.length === 0) return resultFor("finished", "Nothing to deposit: the dataset is not published (or was deleted)", [], "pending");
  const datasets: DatasetForDeposit[] = [];
  for (const row of rows) {
    const doi = await claimDoi(tx, row, settings.crossref.doiPrefix);
    try {
      datasets.push(parseDatasetForDeposit({ ...row, doi }));
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      const message = `The dataset cannot be deposited: ${error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`;
      await setStatusOfDatasets(tx, [row.id], "failed", message);
    }
  }
  if (datasets.length === 0) return resultFor("finished", "No dataset could be deposited", [], "failed");

  const timestamp = nextDepositTimestamp(await lastDepositTimestamp(tx));
  const batchId = depositBatchId(doisOf(datasets), timestamp);
  const fileName = depositFileName(batchId);
  let built;
  try {
    built = buildDepositXml({
      batchId,
      timestamp,
      depositor: settings.crossref.depositor,
      registrant: settings.crossref.registrant,
      landingPageBase: settings.crossref.landingPageBase,
      datasets,
    });
  } catch (error) {
    if (!(error instanceof DepositInputError)) throw error;
    await setStatusOfDatasets(tx, idsOf(datasets), "failed", error.message);
    return resultFor("finished", error.message, depositedOf(datasets), "failed");
  }
  const warningsOf = (datasetId: string) => built.warnings.filter((warning) => warning.datasetId === datasetId).map((warning) => warning.message);
  await recordDeposit(tx, { datasetIds: idsOf(datasets), timestamp, batchId, fileName, xml: built.xml, warningsOf });
  return { datasets, fileName, xml: built.xml, warnings: built.warnings };
}

async function send(sql: postgres.Sql, settings: DepositSettings, deposit: PreparedDeposit, finalAttempt: boolean): Promise<DepositResult> {
  const client = createCrossrefClient({ ...settings.crossref.endpoint, timeoutMs: settings.timeoutMs });
  const datasets = depositedOf(deposit.datasets);
  const record = (status: "pending" | "submitted" | "failed", messageOf: (datasetId: string) => string) =>
    asServiceRole(sql, async (tx) => {
      if (status === "submitted") await markDeposited(tx, deposit.fileName);
      for (const { datasetId } of datasets) await setStatusOfDeposit(tx, deposit.fileName, datasetId, status, messageOf(datasetId));
    });
  try {
    await client.deposit({ xml: deposit.xml, fileName: deposit.fileName });
  } catch (error) {
    if (!(error instanceof CrossrefRequestError)) throw error;
    const retry = error.retryable && !finalAttempt;
    const message = retry ? `${error.message}; the deposit will be retried` : error.message;
    await record(retry ? "pending" : "failed", () => message);
    return resultFor(retry ? "retry" : "finished", message, datasets, retry ? "pending" : "failed", { fileName: deposit.fileName });
  }
  const message = `Deposited with Crossref as ${deposit.fileName}; waiting for its submission log`;
  const withWarnings = (datasetId: string) => {
    const warnings = deposit.warnings.filter((warning) => warning.datasetId === datasetId).map((warning) => warning.message);
    return warnings.length > 0 ? `${message}. Left out or shortened: ${warnings.join("; ")}` : message;
  };
  await record("submitted", withWarnings);
  return {
    outcome: "submitted",
    message,
    fileName: deposit.fileName,
    nextPollInMs: settings.pollDelayMs(0),
    datasets: datasets.map((dataset) => ({ ...dataset, doiStatus: "submitted", message: withWarnings(dataset.datasetId) })),
  };
}

function idsOf(datasets: readonly DatasetForDeposit[]): string[] {
  return datasets.map((dataset) => dataset.id);
}

function doisOf(datasets: readonly DatasetForDeposit[]): string[] {
  return datasets.map((dataset) => dataset.doi);
}

function depositedOf(datasets: readonly DatasetForDeposit[]): Array<{ datasetId: string; doi: string }> {
  return datasets.map((dataset) => ({ datasetId: dataset.id, doi: dataset.doi }));
}
