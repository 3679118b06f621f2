// Builds the Crossref 5.3.1 `doi_batch` that registers (or updates) dataset DOIs: one `database`
// (the NDI Cloud collection, the same block in every deposit) holding one `dataset` per published
// dataset. Every record is sent complete, because an update replaces the bibliographic metadata
// as a whole; funding and licence are always sent, empty when absent, because only an explicitly
// empty element removes them from an existing record.
import { z } from "npm:zod@4";
import type { DatasetForDeposit, DepositContributor } from "./dataset.ts";
import { doiPrefixOf, isDoi } from "./doi.ts";
import { DepositInputError } from "./errors.ts";
import { licenseUrl } from "./license.ts";
import { normaliseOrcid } from "./orcid.ts";
import { cleanText, truncate } from "./text.ts";
import { element, serializeXml, textElement, type XmlElement } from "./xml.ts";

export const CROSSREF_SCHEMA_VERSION = "5.3.1";
const CROSSREF_NS = "http://www.crossref.org/schema/5.3.1";
const SCHEMA_LOCATION = `${CROSSREF_NS} https://www.crossref.org/schemas/crossref5.3.1.xsd`;
const FUNDREF_NS = "http://www.crossref.org/fundref.xsd";
const ACCESS_INDICATORS_NS = "http://www.crossref.org/AccessIndicators.xsd";

// Limits from the schema (given_name, surname: 60; organization: 511) and our own caps where it
// sets none, so one runaway field cannot bloat every deposit.
const NAME_MAX = 60;
const ORGANIZATION_MAX = 511;
const TITLE_MAX = 1000;
const DESCRIPTION_MAX = 10_000;
const ELLIPSIS = "…";
// given_name and surname must match the XSD pattern `[^\d\?]*[^\?\s]+[^\d]*` (XSD `\d` is any
// Unicode decimal digit, `\s` only space, tab, CR and LF).
const NAME_PATTERN = /^[^\p{Nd}?]*[^? \t\n\r]+[^\p{Nd}]*$/u;
// xrefYear in the schema.
const MIN_YEAR = 1400;
const MAX_YEAR = 2200;

/** The `database_metadata` block: the collection every NDI Cloud dataset DOI belongs to. */
export interface DatabaseMetadata {
  title: string;
  description?: string;
  /** Listed as the database's author. */
  organization: string;
  /** `YYYY-MM-DD`; sent as creation and publication date. */
  createdOn: string;
  /** The database's own DOI and landing page, when it has one. */
  doiData?: { doi: string; resource: string };
}

/** NDI Cloud's database, as the NDI admin tools have deposited it (contract §9.2). */
export const NDI_CLOUD_DATABASE: DatabaseMetadata = {
  title: "NDI Cloud Open Datasets",
  description: "Searchable scientific datasets from neuroscience and other disciplines",
  organization: "Waltham Data Science LLC",
  createdOn: "2024-04-08",
  doiData: { doi: "10.63884/ndic.00000", resource: "https://ndi-cloud.com" },
};

export interface DepositBatch {
  /** Unique per deposit, 4–100 characters (see `depositBatchId`). */
  batchId: string;
  /** Up to 19 digits, larger than any earlier deposit of these DOIs (see `nextDepositTimestamp`). */
  timestamp: string;
  depositor: { name: string; email: string };
  registrant: string;
  datasets: readonly DatasetForDeposit[];
  /** The dataset's landing page is this plus its id, e.g. `https://www.ndi-cloud.com/datasets/`. */
  landingPageBase: string;
  /** Defaults to `NDI_CLOUD_DATABASE`. */
  database?: DatabaseMetadata;
}

/** Something left out or shortened so the deposit could go ahead; worth showing to an admin. */
export interface DepositWarning {
  datasetId: string;
  message: string;
}

export interface DepositDocument {
  xml: string;
  /** The dataset DOIs in the batch, in order (not the database's). */
  dois: string[];
  warnings: DepositWarning[];
}

const headSchema = z.object({
  batchId: z.string().min(4).max(100),
  timestamp: z.string().regex(/^[0-9]{1,19}$/, "must be 1–19 digits"),
  depositor: z.object({ name: z.string().trim().min(1).max(130), email: z.email().min(6).max(200) }),
  registrant: z.string().trim().min(1).max(255),
  landingPageBase: z.url({ protocol: /^https?$/ }),
});

export function buildDepositXml(batch: DepositBatch): DepositDocument {
  const database = batch.database ?? NDI_CLOUD_DATABASE;
  assertDepositable(batch, database);
  const warnings: DepositWarning[] = [];
  const datasets = batch.datasets.map((dataset) =>
    datasetElement(dataset, landingPage(batch.landingPageBase, dataset.id), (message) =>
      warnings.push({ datasetId: dataset.id, message }),
    ),
  );
  const root = element(
    "doi_batch",
    {
      xmlns: CROSSREF_NS,
      "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
      "xmlns:fr": FUNDREF_NS,
      "xmlns:ai": ACCESS_INDICATORS_NS,
      version: CROSSREF_SCHEMA_VERSION,
      "xsi:schemaLocation": SCHEMA_LOCATION,
    },
    [headElement(batch), element("body", {}, [element("database", {}, [databaseMetadataElement(database), ...datasets])])],
  );
  return { xml: serializeXml(root), dois: batch.datasets.map((dataset) => dataset.doi), warnings };
}

/** Problems that would make Crossref fail the whole batch are refused before any XML exists. */
function assertDepositable(batch: DepositBatch, database: DatabaseMetadata): void {
  const head = headSchema.safeParse(batch);
  const problems = head.success ? [] : head.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  if (batch.datasets.length === 0) problems.push("no datasets to deposit");
  const dois = batch.datasets.map((dataset) => dataset.doi);
  if (database.doiData) dois.push(database.doiData.doi);
  for (const doi of dois.filter((doi) => !isDoi(doi))) problems.push(`"${doi}" is not a DOI`);
  // The same DOI twice in one file fails every copy but the first.
  const lowered = dois.map((doi) => doi.toLowerCase());
  for (const doi of new Set(lowered.filter((doi, index) => lowered.indexOf(doi) !== index))) {
    problems.push(`DOI ${doi} appears more than once`);
  }
  const prefixes = new Set(dois.filter(isDoi).map(doiPrefixOf));
  if (prefixes.size > 1) problems.push(`all DOIs in one deposit must share a prefix, found ${[...prefixes].join(", ")}`);
  if (problems.length > 0) throw new DepositInputError(problems);
}

function landingPage(base: string, datasetId: string): string {
  return `${base.replace(/\/+$/, "")}/${encodeURIComponent(datasetId)}`;
}

function headElement(batch: DepositBatch): XmlElement {
  return element("head", {}, [
    textElement("doi_batch_id", batch.batchId),
    textElement("timestamp", batch.timestamp),
    element("depositor", {}, [
      textElement("depositor_name", batch.depositor.name.trim()),
      textElement("email_address", batch.depositor.email),
    ]),
    textElement("registrant", batch.registrant.trim()),
  ]);
}

function databaseMetadataElement(database: DatabaseMetadata): XmlElement {
  const created = new Date(`${database.createdOn}T00:00:00Z`);
  return element("database_metadata", { language: "en" }, [
    element("contributors", {}, [
      textElement("organization", cleanText(database.organization, { max: ORGANIZATION_MAX }) ?? "", {
        sequence: "first",
        contributor_role: "author",
      }),
    ]),
    element("titles", {}, [textElement("title", database.title)]),
    database.description !== undefined && textElement("description", database.description),
    element("database_date", {}, [dateElement("creation_date", created), dateElement("publication_date", created)]),
    database.doiData && doiDataElement(database.doiData.doi, database.doiData.resource),
  ]);
}

function datasetElement(dataset: DatasetForDeposit, resource: string, warn: (message: string) => void): XmlElement {
  const title = shortened(cleanText(dataset.name), TITLE_MAX, () => warn(`the title was shortened to ${TITLE_MAX} characters`));
  if (title === undefined) warn("the dataset has no usable name; its id was sent as the title");
  const description = shortened(cleanText(dataset.abstract, { multiline: true }), DESCRIPTION_MAX, () =>
    warn(`the abstract was shortened to ${DESCRIPTION_MAX} characters`),
  );
  const license = licenseUrl(dataset.license);
  if (dataset.license?.trim() && !license) warn(`licence "${dataset.license}" is not one we can link to; no licence was sent`);
  if (!dataset.createdAt) warn("the dataset has no valid creation date; no dates were sent");

  return element("dataset", { dataset_type: "record" }, [
    contributorsElement(dataset.contributors, warn),
    element("titles", {}, [textElement("title", title ?? dataset.id)]),
    datasetDatesElement(dataset),
    description !== undefined && textElement("description", description),
    element(
      "fr:program",
      { name: "fundref" },
      dataset.funding.flatMap(({ source }) => {
        const funder = cleanText(source, { max: ORGANIZATION_MAX });
        return funder ? [textElement("fr:assertion", funder, { name: "funder_name" })] : [];
      }),
    ),
    element("ai:program", { name: "AccessIndicators" }, [license !== undefined && textElement("ai:license_ref", license, { applies_to: "vor" })]),
    doiDataElement(dataset.doi, resource),
  ]);
}

function shortened(text: string | undefined, max: number, onCut: () => void): string | undefined {
  if (text === undefined) return undefined;
  const cut = truncate(text, max, ELLIPSIS);
  if (cut !== text) onCut();
  return cut;
}

function contributorsElement(contributors: readonly DepositContributor[], warn: (message: string) => void): XmlElement | undefined {
  const people = contributors.flatMap((contributor, index) => {
    const name = personName(contributor);
    if (!name) {
      warn(`contributor ${index + 1} has no usable name and was left out`);
      return [];
    }
    const orcid = normaliseOrcid(contributor.orcid);
    if (contributor.orcid?.trim() && !orcid) {
      warn(`contributor ${index + 1} (${name.surname}): "${contributor.orcid}" is not a valid ORCID iD and was left out`);
    }
    return [{ ...name, orcid }];
  });
  if (people.length === 0) return undefined;
  return element(
    "contributors",
    {},
    people.map(({ given, surname, orcid }, index) =>
      element("person_name", { sequence: index === 0 ? "first" : "additional", contributor_role: "author" }, [
        given !== undefined && textElement("given_name", given),
        textElement("surname", surname),
        orcid !== undefined && textElement("ORCID", orcid),
      ]),
    ),
  );
}

/** Crossref requires a surname; a person known by one name only has it as the surname. */
function personName(contributor: DepositContributor): { given?: string; surname: string } | undefined {
  const first = nameText(contributor.firstName);
  const last = nameText(contributor.lastName);
  if (last) return { given: first, surname: last };
  return first ? { surname: first } : undefined;
}

function nameText(value: string | undefined): string | undefined {
  const text = cleanText(value?.replace(/\?/g, ""), { max: NAME_MAX });
  return text !== undefined && NAME_PATTERN.test(text) ? text : undefined;
}

function datasetDatesElement(dataset: DatasetForDeposit): XmlElement | undefined {
  if (!dataset.createdAt) return undefined;
  return element("database_date", {}, [
    dateElement("creation_date", dataset.createdAt),
    dateElement("publication_date", dataset.publishedAt ?? dataset.createdAt),
    dataset.updatedAt && dateElement("update_date", dataset.updatedAt),
  ]);
}

/** A `date_t` (month, day, year in that order, zero-padded); absent outside the schema's years. */
function dateElement(name: string, date: Date): XmlElement | undefined {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < MIN_YEAR || year > MAX_YEAR) return undefined;
  const pad = (value: number) => String(value).padStart(2, "0");
  return element(name, { media_type: "online" }, [
    textElement("month", pad(date.getUTCMonth() + 1)),
    textElement("day", pad(date.getUTCDate())),
    textElement("year", String(year)),
  ]);
}

function doiDataElement(doi: string, resource: string): XmlElement {
  return element("doi_data", {}, [textElement("doi", doi), textElement("resource", resource)]);
}
