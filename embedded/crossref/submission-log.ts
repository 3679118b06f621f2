// The test double's answers in Crossref's formats: the `doi_batch_diagnostic` submission log and
// the small HTML pages of the deposit servlet.
import { element, escapeText, serializeXml, textElement } from "../../functions/_shared/crossref/xml.ts";
import type { DoubleSubmission, LoggedRecord } from "./submissions.ts";

const SERVER = "crossref-test-double";

/** The log of a submission: `in_process` until it is processed, `unknown_submission` if never seen. */
export function submissionLog(submission: DoubleSubmission | undefined, processed: boolean): string {
  if (!submission) return diagnostic("unknown_submission", "0", "", []);
  if (!processed || !submission.records) return diagnostic("in_process", String(submission.submissionId), submission.batchId, []);
  return diagnostic("completed", String(submission.submissionId), submission.batchId, submission.records);
}

function diagnostic(status: string, submissionId: string, batchId: string, records: readonly LoggedRecord[]): string {
  const count = (recordStatus: LoggedRecord["status"]) => String(records.filter((record) => record.status === recordStatus).length);
  const completed = status === "completed";
  return serializeXml(
    element("doi_batch_diagnostic", { status, sp: SERVER }, [
      textElement("submission_id", submissionId),
      textElement("batch_id", batchId),
      ...records.map((record) =>
        element("record_diagnostic", { status: record.status, msg_id: record.messageId }, [
          textElement("doi", record.doi),
          textElement("msg", record.message),
        ]),
      ),
      completed &&
        element("batch_data", {}, [
          textElement("record_count", String(records.length)),
          // Crossref counts a warning as a success too.
          textElement("success_count", String(records.length - Number(count("Failure")))),
          textElement("warning_count", count("Warning")),
          textElement("failure_count", count("Failure")),
        ]),
    ]),
  );
}

export function servletPage(outcome: "SUCCESS" | "FAILURE", message: string): string {
  return `<html><head><title>${outcome}</title></head><body><h2>${outcome}</h2><p>${escapeText(message)}</p></body></html>`;
}
