// Crossref DOI registration building blocks, for the crossref-deposit Edge Function and for Node
// code (the embedded test double, tests). Pure apart from the validator (reads the bundled schema)
// and the client (HTTP).
export { depositBatchId, depositFileName, depositTimestamp, nextDepositTimestamp } from "./batch.ts";
export { createCrossrefClient, type CrossrefClient, type CrossrefClientOptions, type DepositReceipt, type DepositRequest } from "./client.ts";
export {
  CROSSREF_PRODUCTION_DEPOSIT_URL,
  CROSSREF_TEST_DEPOSIT_URL,
  crossrefConfigFromEnv,
  NDI_LANDING_PAGE_BASE,
  submissionDownloadUrl,
  type CrossrefConfig,
  type CrossrefEndpoint,
} from "./config.ts";
export { datasetForDepositSchema, parseDatasetForDeposit, type DatasetForDeposit, type DepositContributor } from "./dataset.ts";
export {
  buildDepositXml,
  CROSSREF_SCHEMA_VERSION,
  NDI_CLOUD_DATABASE,
  type DatabaseMetadata,
  type DepositBatch,
  type DepositDocument,
  type DepositWarning,
} from "./deposit-xml.ts";
export { CROSSREF_ENV } from "./env-names.ts";
export { bareDoi, DOI_RESOLVER, doiUrl, isDoi, mintDoi, mintDoiSuffix, NDI_DOI_PREFIX } from "./doi.ts";
export {
  CrossrefConfigError,
  CrossrefError,
  CrossrefRequestError,
  DepositInputError,
  SubmissionResultError,
  XsdSchemaError,
  type CrossrefRequestFailure,
} from "./errors.ts";
export { licenseUrl } from "./license.ts";
export { normaliseOrcid } from "./orcid.ts";
export { RESULT_POLL_DEADLINE_MS, resultPollDelayMs } from "./polling.ts";
export {
  outcomeForDoi,
  parseSubmissionResult,
  type BatchCounts,
  type DepositOutcome,
  type DepositState,
  type RecordDiagnostic,
  type RecordStatus,
} from "./submission-result.ts";
export { createXsdValidator, sharedXsdValidator, type CrossrefXsdValidator, type XsdValidationResult, type XsdValidatorOptions } from "./xsd-validator.ts";
