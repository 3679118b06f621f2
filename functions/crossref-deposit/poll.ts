// Reads the submission log of a deposit and records each dataset's outcome: registered (a Crossref
// warning still registers the DOI; its text is kept in the message) or failed with Crossref's own
// diagnostic. While Crossref is still processing, the job polls again after a growing delay; a
// deposit not processed within RESULT_POLL_DEADLINE_MS is failed for an admin to look at.
import type postgres from "npm:postgres@3";
import { createCrossrefClient, CrossrefRequestError, outcomeForDoi, RESULT_POLL_DEADLINE_MS, type DepositOutcome } from "../_shared/crossref/index.ts";
import { resultFor, type DatasetDoiState, type DepositResult } from "./result.ts";
import type { DepositSettings } from "./settings.ts";
import { asServiceRole, countPoll, datasetsOfDeposit, setStatusOfDeposit, type DepositedDataset, type DoiStatus } from "./store.ts";

export interface PollRequest {
  fileName: string;
  finalAttempt: boolean;
}

export async function pollDeposit(sql: postgres.Sql, settings: DepositSettings, { fileName, finalAttempt }: PollRequest): Promise<DepositResult> {
  const datasets = await asServiceRole(sql, (tx) => datasetsOfDeposit(tx, fileName));
  if (datasets.length === 0) return resultFor("finished", `Deposit ${fileName} was superseded by a newer one`, [], "pending");
  const client = createCrossrefClient({ ...settings.crossref.endpoint, timeoutMs: settings.timeoutMs });
  const record = (states: DatasetDoiState[]) =>
    asServiceRole(sql, async (tx) => {
      for (const state of states) await setStatusOfDeposit(tx, fileName, state.datasetId, state.doiStatus, state.message);
    });

  let outcome: DepositOutcome;
  try {
    outcome = await client.fetchResult(fileName);
  } catch (error) {
    if (!(error instanceof CrossrefRequestError)) throw error;
    const retry = error.retryable && !finalAttempt;
    const result = retry
      ? resultFor("retry", `${error.message}; polling will be retried`, datasets, "submitted", { fileName })
      : resultFor("finished", error.message, datasets, "failed", { fileName });
    await record(result.datasets);
    return result;
  }

  const polls = await asServiceRole(sql, (tx) => countPoll(tx, fileName));
  if (outcome.state === "submitted") {
    if (!pastDeadline(datasets)) {
      return resultFor("submitted", outcome.message, datasets, "submitted", { fileName, nextPollInMs: settings.pollDelayMs(polls) });
    }
    const hours = RESULT_POLL_DEADLINE_MS / 3_600_000;
    const result = resultFor("finished", `Crossref has not processed deposit ${fileName} within ${hours} hours (${outcome.message})`, datasets, "failed", { fileName });
    await record(result.datasets);
    return result;
  }

  const states = datasets.map(({ datasetId, doi }): DatasetDoiState => ({ datasetId, doi, ...finalState(outcomeForDoi(outcome, doi)) }));
  await record(states);
  return { outcome: "finished", message: outcome.message, fileName, datasets: states };
}

function finalState({ state, message }: ReturnType<typeof outcomeForDoi>): { doiStatus: DoiStatus; message: string } {
  if (state === "registered") return { doiStatus: "registered", message: `Registered with Crossref: ${message}` };
  if (state === "warning") return { doiStatus: "registered", message: `Registered with a warning from Crossref: ${message}` };
  return { doiStatus: "failed", message: `Crossref did not register the DOI: ${message}` };
}

function pastDeadline(datasets: readonly DepositedDataset[]): boolean {
  const depositedAt = datasets[0]?.depositedAt;
  return depositedAt !== null && depositedAt !== undefined && Date.now() - depositedAt.getTime() > RESULT_POLL_DEADLINE_MS;
}
