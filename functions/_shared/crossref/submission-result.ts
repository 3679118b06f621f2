// Reads Crossref's submission log (`doi_batch_diagnostic`, fetched with type=result) into an
// outcome per batch and per DOI. The log is only final once its status is `completed`; before
// that (`queued`, `in_process`, or `unknown_submission` while the upload is not yet on the queue)
// the deposit is still `submitted`.
import { ParseOption, XmlDocument, XmlElement, XmlLibError } from "npm:libxml2-wasm@0.7";
import { SubmissionResultError } from "./errors.ts";

export type DepositState = "submitted" | "registered" | "warning" | "failed";
export type RecordStatus = "success" | "warning" | "failure";

export interface RecordDiagnostic {
  /** Empty when Crossref could not attribute the problem to a DOI (e.g. an unparsable file). */
  doi: string;
  status: RecordStatus;
  message: string;
  messageId?: string;
}

export interface BatchCounts {
  records: number;
  successes: number;
  warnings: number;
  failures: number;
}

export interface DepositOutcome {
  /** `registered` and `warning` mean the DOIs exist; `warning` needs an admin's look. */
  state: DepositState;
  /** Crossref's `doi_batch_diagnostic/@status`, e.g. `queued`, `in_process`, `completed`. */
  batchStatus: string;
  submissionId?: string;
  batchId?: string;
  /** One line for people: what happened, with Crossref's own words for problems. */
  message: string;
  records: RecordDiagnostic[];
  counts?: BatchCounts;
}

const COMPLETED = "completed";
const SAFE_PARSING = ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE;
const RECORD_STATUSES: Readonly<Record<string, RecordStatus>> = { success: "success", warning: "warning", failure: "failure" };

export function parseSubmissionResult(xml: string): DepositOutcome {
  let document: XmlDocument;
  try {
    document = XmlDocument.fromString(xml.trim(), { option: SAFE_PARSING });
  } catch (error) {
    if (error instanceof XmlLibError) throw new SubmissionResultError(`Crossref's submission log is not XML: ${error.message.trim()}`);
    throw error;
  }
  try {
    const root = document.root;
    if (root.name !== "doi_batch_diagnostic") {
      throw new SubmissionResultError(`Expected a doi_batch_diagnostic from Crossref, got <${root.name}>`);
    }
    return outcomeOf(root);
  } finally {
    document.dispose();
  }
}

function outcomeOf(root: XmlElement): DepositOutcome {
  const batchStatus = root.attr("status")?.value ?? "";
  const base = { batchStatus, submissionId: childText(root, "submission_id"), batchId: childText(root, "batch_id") };
  if (batchStatus !== COMPLETED) {
    return { ...base, state: "submitted", message: `Crossref has not finished processing the deposit (${batchStatus || "no status"})`, records: [] };
  }
  const records = children(root, "record_diagnostic").map(recordOf);
  const counts = countsOf(root);
  return { ...base, ...completedState(records, counts), records, counts };
}

function recordOf(record: XmlElement): RecordDiagnostic {
  const rawStatus = record.attr("status")?.value ?? "";
  const status = RECORD_STATUSES[rawStatus.toLowerCase()];
  if (!status) throw new SubmissionResultError(`Unknown record_diagnostic status "${rawStatus}" in Crossref's submission log`);
  return {
    doi: childText(record, "doi") ?? "",
    status,
    message: childText(record, "msg") ?? "",
    messageId: record.attr("msg_id")?.value,
  };
}

function completedState(records: readonly RecordDiagnostic[], counts?: BatchCounts): Pick<DepositOutcome, "state" | "message"> {
  const failures = records.filter((record) => record.status === "failure");
  const warnings = records.filter((record) => record.status === "warning");
  if (failures.length > 0) return { state: "failed", message: summarise(failures) };
  if ((counts?.failures ?? 0) > 0) return { state: "failed", message: `Crossref counted ${counts!.failures} failed record(s) without details` };
  if (records.length === 0) return { state: "failed", message: "Crossref processed the deposit but reported no records" };
  if (warnings.length > 0) return { state: "warning", message: summarise(warnings) };
  return { state: "registered", message: summarise(records) };
}

function summarise(records: readonly RecordDiagnostic[]): string {
  return records.map(({ doi, message }) => (doi ? `${doi}: ${message}` : message)).join("; ");
}

/** The outcome for one DOI of the batch: a batch may succeed for one dataset and fail for another. */
export function outcomeForDoi(outcome: DepositOutcome, doi: string): { state: DepositState; message: string } {
  if (outcome.state === "submitted") return { state: "submitted", message: outcome.message };
  const record = outcome.records.find((candidate) => candidate.doi.toLowerCase() === doi.toLowerCase());
  if (record) return { state: RECORD_STATES[record.status], message: record.message };
  if (outcome.state === "failed") return { state: "failed", message: outcome.message };
  return { state: "failed", message: `Crossref's submission log has no record for ${doi}` };
}

const RECORD_STATES: Readonly<Record<RecordStatus, DepositState>> = { success: "registered", warning: "warning", failure: "failed" };

function countsOf(root: XmlElement): BatchCounts | undefined {
  const data = children(root, "batch_data")[0];
  if (!data) return undefined;
  const count = (name: string) => Number.parseInt(childText(data, name) ?? "0", 10) || 0;
  return {
    records: count("record_count"),
    successes: count("success_count"),
    warnings: count("warning_count"),
    failures: count("failure_count"),
  };
}

function children(parent: XmlElement, name: string): XmlElement[] {
  return parent.find(`*[local-name()='${name}']`).filter((node): node is XmlElement => node instanceof XmlElement);
}

function childText(parent: XmlElement, name: string): string | undefined {
  const text = children(parent, name)[0]?.content.trim();
  return text ? text : undefined;
}
