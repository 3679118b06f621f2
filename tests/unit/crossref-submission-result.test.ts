// Crossref's submission logs, in the shapes Crossref writes them, read into typed outcomes per
// batch and per DOI.
import { describe, expect, it } from "vitest";
import { SubmissionResultError } from "../../functions/_shared/crossref/errors.ts";
import { outcomeForDoi, parseSubmissionResult } from "../../functions/_shared/crossref/submission-result.ts";

const DATASET_DOI = "10.63884/ndic.2026.ab12cd34";
const DATABASE_DOI = "10.63884/ndic.00000";

function completedLog(records: string, counts: [number, number, number, number]): string {
  const [records_, successes, warnings, failures] = counts;
  return `<?xml version="1.0" encoding="UTF-8"?>
<doi_batch_diagnostic status="completed" sp="a-cs1">
   <submission_id>1521565335</submission_id>
   <batch_id>ndic.2026.ab12cd34-20260315143005123</batch_id>
${records}
   <batch_data>
      <record_count>${records_}</record_count>
      <success_count>${successes}</success_count>
      <warning_count>${warnings}</warning_count>
      <failure_count>${failures}</failure_count>
   </batch_data>
</doi_batch_diagnostic>`;
}

const record = (status: string, doi: string, msg: string, extra = "") => `   <record_diagnostic status="${status}"${extra}>
      <doi>${doi}</doi>
      <msg>${msg}</msg>
   </record_diagnostic>`;

describe("parseSubmissionResult", () => {
  it("reads a completed deposit in which every record succeeded", () => {
    const outcome = parseSubmissionResult(
      completedLog(
        [record("Success", DATABASE_DOI, "Successfully updated"), record("Success", DATASET_DOI, "Successfully added")].join("\n"),
        [2, 2, 0, 0],
      ),
    );
    expect(outcome).toEqual({
      state: "registered",
      batchStatus: "completed",
      submissionId: "1521565335",
      batchId: "ndic.2026.ab12cd34-20260315143005123",
      message: `${DATABASE_DOI}: Successfully updated; ${DATASET_DOI}: Successfully added`,
      records: [
        { doi: DATABASE_DOI, status: "success", message: "Successfully updated", messageId: undefined },
        { doi: DATASET_DOI, status: "success", message: "Successfully added", messageId: undefined },
      ],
      counts: { records: 2, successes: 2, warnings: 0, failures: 0 },
    });
    expect(outcomeForDoi(outcome, DATASET_DOI.toUpperCase())).toEqual({ state: "registered", message: "Successfully added" });
  });

  it("reads a warning: the DOI exists but needs a look", () => {
    const outcome = parseSubmissionResult(
      completedLog(record("Warning", DATASET_DOI, "Added with conflict", ' msg_id="29"'), [1, 1, 1, 0]),
    );
    expect(outcome.state).toBe("warning");
    expect(outcome.records[0]).toEqual({ doi: DATASET_DOI, status: "warning", message: "Added with conflict", messageId: "29" });
    expect(outcomeForDoi(outcome, DATASET_DOI)).toEqual({ state: "warning", message: "Added with conflict" });
  });

  it("keeps one dataset's success apart from another record's failure", () => {
    const stale =
      "Record not processed because submitted version: 20260315143005123 is less or equal to previously submitted version (DOI match)";
    const outcome = parseSubmissionResult(
      completedLog([record("Failure", DATABASE_DOI, stale, ' msg_id="4"'), record("Success", DATASET_DOI, "Successfully updated")].join("\n"), [
        2, 1, 0, 1,
      ]),
    );
    expect(outcome.state).toBe("failed");
    expect(outcome.message).toBe(`${DATABASE_DOI}: ${stale}`);
    expect(outcomeForDoi(outcome, DATASET_DOI)).toEqual({ state: "registered", message: "Successfully updated" });
    expect(outcomeForDoi(outcome, DATABASE_DOI)).toEqual({ state: "failed", message: stale });
  });

  it("fails every DOI of a file Crossref could not parse, with its diagnostic", () => {
    const schemaError =
      "Error: cvc-complex-type.2.4.a: Invalid content was found starting with element 'description'. One of '{titles}' is expected.";
    const outcome = parseSubmissionResult(completedLog(record("Failure", "", schemaError).replace("<doi></doi>", "<doi />"), [1, 0, 0, 1]));
    expect(outcome.state).toBe("failed");
    expect(outcome.records).toEqual([{ doi: "", status: "failure", message: schemaError, messageId: undefined }]);
    expect(outcomeForDoi(outcome, DATASET_DOI)).toEqual({ state: "failed", message: schemaError });
  });

  it("treats a completed log without records, or without this DOI, as not registered", () => {
    const empty = parseSubmissionResult(completedLog("", [0, 0, 0, 0]));
    expect(empty.state).toBe("failed");
    expect(empty.message).toMatch(/no records/);
    const other = parseSubmissionResult(completedLog(record("Success", DATABASE_DOI, "Successfully updated"), [1, 1, 0, 0]));
    expect(outcomeForDoi(other, DATASET_DOI)).toEqual({ state: "failed", message: `Crossref's submission log has no record for ${DATASET_DOI}` });
    const countedOnly = parseSubmissionResult(completedLog(record("Success", DATASET_DOI, "Successfully added"), [2, 1, 0, 1]));
    expect(countedOnly.state).toBe("failed");
  });

  it.each(["queued", "in_process", "unknown_submission"])("reads status=%s as still submitted", (status) => {
    const outcome = parseSubmissionResult(
      `<doi_batch_diagnostic status="${status}" sp="a-cs1"><submission_id>0</submission_id><batch_id/></doi_batch_diagnostic>`,
    );
    expect(outcome).toMatchObject({ state: "submitted", batchStatus: status, records: [] });
    expect(outcome.batchId).toBeUndefined();
    expect(outcomeForDoi(outcome, DATASET_DOI).state).toBe("submitted");
  });

  it("refuses answers that are not a submission log", () => {
    expect(() => parseSubmissionResult("<html><body><h2>FAILURE</h2>Login failed</body></html")).toThrow(SubmissionResultError);
    expect(() => parseSubmissionResult("<html><body>maintenance</body></html>")).toThrow(/Expected a doi_batch_diagnostic/);
    expect(() => parseSubmissionResult(completedLog(record("Exploded", DATASET_DOI, "?"), [1, 0, 0, 0]))).toThrow(/Unknown record_diagnostic status/);
  });
});
