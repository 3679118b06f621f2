// Typed errors of the Crossref building blocks, so the deposit job can tell a problem with our
// own input or configuration (fix it, do not retry) from one with Crossref (retry later).

export class CrossrefError extends Error {
  override name = "CrossrefError";
}

/** The datasets or the batch head cannot make a deposit (nothing is sent). */
export class DepositInputError extends CrossrefError {
  override name = "DepositInputError";
  constructor(readonly problems: readonly string[]) {
    super(`Cannot build the Crossref deposit: ${problems.join("; ")}`);
  }
}

/** Required settings are missing or malformed; names the settings, never their values. */
export class CrossrefConfigError extends CrossrefError {
  override name = "CrossrefConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`Crossref is not configured: ${problems.join("; ")}`);
  }
}

/** The vendored schema could not be loaded or compiled: a broken install, not a bad deposit. */
export class XsdSchemaError extends CrossrefError {
  override name = "XsdSchemaError";
}

export type CrossrefRequestFailure =
  /** 401/403 or a "FAILURE" page for the credentials: fix the secrets. */
  | "auth"
  /** 429/503: Crossref's queue is full or it is down for a while. */
  | "busy"
  /** Other 5xx, or the connection failed. */
  | "unavailable"
  /** No answer within the client's time limit. */
  | "timeout"
  /** Crossref refused this request for good (other 4xx, or a "FAILURE" page). */
  | "rejected"
  /** An answer we cannot read. */
  | "unexpected";

const RETRYABLE: ReadonlySet<CrossrefRequestFailure> = new Set(["busy", "unavailable", "timeout", "unexpected"]);

/** An HTTP exchange with Crossref failed. `message` never contains credentials. */
export class CrossrefRequestError extends CrossrefError {
  override name = "CrossrefRequestError";
  readonly retryable: boolean;
  constructor(
    readonly failure: CrossrefRequestFailure,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
    this.retryable = RETRYABLE.has(failure);
  }
}

/** A submission log that is not a `doi_batch_diagnostic` we understand. */
export class SubmissionResultError extends CrossrefError {
  override name = "SubmissionResultError";
}
