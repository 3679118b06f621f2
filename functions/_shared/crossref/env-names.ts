// The names of the Crossref settings, apart from their parsing (./config.ts) so that Node code
// such as the embedded test double can name them without loading any `npm:` import.

export const CROSSREF_ENV = {
  /** The deposit servlet: `https://doi.crossref.org/servlet/deposit` for production. */
  depositUrl: "CROSSREF_DEPOSIT_URL",
  /** Optional: the submission log servlet; defaults to `submissionDownload` beside the deposit URL. */
  resultUrl: "CROSSREF_RESULT_URL",
  /** The role name, or `email/role` for personal credentials. */
  username: "CROSSREF_USERNAME",
  password: "CROSSREF_PASSWORD",
  depositorName: "CROSSREF_DEPOSITOR_NAME",
  /** Receives Crossref's logs: a role mailbox, not a person. */
  depositorEmail: "CROSSREF_DEPOSITOR_EMAIL",
  registrant: "CROSSREF_REGISTRANT",
  doiPrefix: "CROSSREF_DOI_PREFIX",
  /** Dataset landing pages are this plus the dataset id. */
  landingPageBase: "CROSSREF_LANDING_PAGE_BASE",
} as const;
