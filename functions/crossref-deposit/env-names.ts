// The function's own timing settings, beside Crossref's (functions/_shared/crossref/env-names.ts);
// npm-free, so the embedded stack can name them. Both exist for the local test double, which
// answers at once; against Crossref the defaults apply.

export const DEPOSIT_TIMING_ENV = {
  /** Per request to Crossref, in milliseconds (default 60 000). */
  timeoutMs: "CROSSREF_TIMEOUT_MS",
  /** A fixed wait between submission-log polls, in milliseconds, instead of the growing back-off. */
  pollDelayMs: "CROSSREF_POLL_DELAY_MS",
} as const;
