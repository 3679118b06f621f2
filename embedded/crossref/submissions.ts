// The test double's memory: every upload, what Crossref would have logged for it, and the last
// version (timestamp) registered per DOI, so re-deposits behave as on Crossref: a larger
// timestamp updates the record, an equal or smaller one fails it.
import { doiPrefixOf } from "../../functions/_shared/crossref/doi.ts";
import type { XsdValidationResult } from "../../functions/_shared/crossref/xsd-validator.ts";
import { readDepositContents } from "./deposit-contents.ts";

/** How the double answers. The outcome of a deposit is fixed by the mode it arrived in. */
export type CrossrefDoubleMode =
  /** Records are added or updated (subject to the prefix and timestamp rules). */
  | "success"
  /** Records are added, with Crossref's "Added with conflict" warning. */
  | "warning"
  /** Every record of a deposit fails. */
  | "failure"
  /** Deposits are queued but never processed: the log stays `in_process`. */
  | "pending"
  /** The service stops answering: every request hangs until the client gives up. */
  | "timeout";

export const CROSSREF_DOUBLE_MODES = ["success", "warning", "failure", "pending", "timeout"] as const satisfies readonly CrossrefDoubleMode[];

export interface LoggedRecord {
  doi: string;
  status: "Success" | "Warning" | "Failure";
  message: string;
  messageId?: string;
}

export interface DoubleSubmission {
  submissionId: number;
  fileName: string;
  /** From the deposit's head; the file name when the file could not be read. */
  batchId: string;
  xml: string;
  /** What the log will say once processed; `undefined` while it never will be ("pending"). */
  records?: LoggedRecord[];
  /** Result requests answered so far. */
  polls: number;
}

export interface AcceptedDeposit {
  fileName: string;
  xml: string;
  validation: XsdValidationResult;
  mode: Exclude<CrossrefDoubleMode, "timeout">;
}

const FIRST_SUBMISSION_ID = 1_000_000_001;

export class DoubleSubmissions {
  #submissions: DoubleSubmission[] = [];
  #versions = new Map<string, bigint>();

  constructor(
    private readonly allowedPrefix: string,
    private readonly failureMessage: string,
  ) {}

  get all(): readonly DoubleSubmission[] {
    return this.#submissions;
  }

  accept(deposit: AcceptedDeposit): DoubleSubmission {
    const submission: DoubleSubmission = {
      submissionId: FIRST_SUBMISSION_ID + this.#submissions.length,
      fileName: deposit.fileName,
      batchId: deposit.fileName,
      xml: deposit.xml,
      polls: 0,
    };
    if (!deposit.validation.valid) {
      // Crossref accepts the upload and reports the schema problem in its log.
      submission.records = [{ doi: "", status: "Failure", message: `Error: ${deposit.validation.errors.join("; ")}` }];
    } else {
      const contents = readDepositContents(deposit.xml);
      submission.batchId = contents.batchId;
      if (deposit.mode !== "pending") submission.records = this.#process(contents.dois, contents.timestamp, deposit.mode);
    }
    this.#submissions.push(submission);
    return submission;
  }

  /** Like Crossref: by file name (works for any upload) or batch id (only once parsed); first match. */
  find(key: { fileName: string } | { batchId: string }): DoubleSubmission | undefined {
    return this.#submissions.find((submission) =>
      "fileName" in key ? submission.fileName === key.fileName : submission.records !== undefined && submission.batchId === key.batchId,
    );
  }

  clear(): void {
    this.#submissions = [];
    this.#versions.clear();
  }

  #process(dois: readonly string[], timestamp: bigint, mode: "success" | "warning" | "failure"): LoggedRecord[] {
    return dois.map((doi): LoggedRecord => {
      if (mode === "failure") return { doi, status: "Failure", message: this.failureMessage };
      if (doiPrefixOf(doi) !== this.allowedPrefix) {
        return { doi, status: "Failure", message: `User not allowed to add records for prefix: ${doiPrefixOf(doi)}`, messageId: "3" };
      }
      const key = doi.toLowerCase();
      const previous = this.#versions.get(key);
      if (previous !== undefined && timestamp <= previous) {
        return {
          doi,
          status: "Failure",
          message: `Record not processed because submitted version: ${timestamp} is less or equal to previously submitted version (DOI match)`,
          messageId: "4",
        };
      }
      this.#versions.set(key, timestamp);
      if (mode === "warning") return { doi, status: "Warning", message: "Added with conflict", messageId: "29" };
      return { doi, status: "Success", message: previous === undefined ? "Successfully added" : "Successfully updated" };
    });
  }
}
