// What the function answers, so the doi_deposit job knows what to do next:
//   waiting    Crossref is not configured; the datasets stay pending with a message saying so,
//              and the job tries again later.
//   submitted  Crossref has the deposit and has not finished it: poll again after nextPollInMs.
//   finished   every dataset of the deposit is registered or failed (or there was nothing to do).
//   retry      Crossref could not be reached or was busy: run the job again later.
import type { DoiStatus } from "./store.ts";

export type DepositOutcome = "waiting" | "submitted" | "finished" | "retry";

export interface DatasetDoiState {
  datasetId: string;
  doi?: string;
  doiStatus: DoiStatus;
  message: string;
}

export interface DepositResult {
  outcome: DepositOutcome;
  message: string;
  fileName?: string;
  nextPollInMs?: number;
  datasets: DatasetDoiState[];
}

/** A result whose datasets all share one state and message. */
export function resultFor(
  outcome: DepositOutcome,
  message: string,
  datasets: ReadonlyArray<{ datasetId: string; doi?: string }>,
  doiStatus: DoiStatus,
  extra: Pick<DepositResult, "fileName" | "nextPollInMs"> = {},
): DepositResult {
  return { outcome, message, ...extra, datasets: datasets.map(({ datasetId, doi }) => ({ datasetId, doi, doiStatus, message })) };
}
