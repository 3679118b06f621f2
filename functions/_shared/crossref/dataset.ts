// The dataset fields a deposit uses, read from a dataset row or contract object (§5.1) with all
// the shapes clients actually store: `orcid` or the misspelled `orchid`, `funding` as one object
// or an array, `_id` or `id`, nulls for absent values, dates as ISO strings or Date objects.
import { z } from "npm:zod@4";
import { bareDoi } from "./doi.ts";

export interface DepositContributor {
  firstName?: string;
  lastName?: string;
  /** As stored; normalised (or dropped) when the XML is built. */
  orcid?: string;
}

export interface DatasetForDeposit {
  id: string;
  /** Bare DOI, e.g. `10.63884/ndic.2026.k3x9q0ab`. */
  doi: string;
  name: string;
  /** `abstract`, or `description` when there is no abstract. */
  abstract?: string;
  contributors: DepositContributor[];
  license?: string;
  funding: Array<{ source: string }>;
  createdAt?: Date;
  updatedAt?: Date;
  /** When it was published; the publication date falls back to `createdAt`. */
  publishedAt?: Date;
}

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

const optionalDate = z
  .union([z.string(), z.date()])
  .nullish()
  .transform((value) => {
    if (value == null) return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  });

const contributorSchema = z
  .object({ firstName: optionalText, lastName: optionalText, orcid: optionalText, orchid: optionalText })
  .transform(({ firstName, lastName, orcid, orchid }): DepositContributor => ({ firstName, lastName, orcid: orcid ?? orchid }));

const fundingEntrySchema = z.object({ source: optionalText });

const fundingSchema = z
  .union([fundingEntrySchema, z.array(fundingEntrySchema)])
  .nullish()
  .transform((value) => {
    const entries = value == null ? [] : Array.isArray(value) ? value : [value];
    return entries.flatMap(({ source }) => (source?.trim() ? [{ source }] : []));
  });

export const datasetForDepositSchema = z
  .object({
    id: optionalText,
    _id: optionalText,
    doi: z.string().min(1).transform(bareDoi),
    name: z.string().min(1),
    abstract: optionalText,
    description: optionalText,
    contributors: z
      .array(contributorSchema)
      .nullish()
      .transform((value) => value ?? []),
    license: optionalText,
    funding: fundingSchema,
    createdAt: optionalDate,
    updatedAt: optionalDate,
    publishedAt: optionalDate,
  })
  .refine((dataset) => dataset.id ?? dataset._id, { message: "a dataset needs `id` or `_id`", path: ["id"] })
  .transform(
    (dataset): DatasetForDeposit => ({
      id: (dataset.id ?? dataset._id)!,
      doi: dataset.doi,
      name: dataset.name,
      abstract: dataset.abstract?.trim() ? dataset.abstract : dataset.description,
      contributors: dataset.contributors,
      license: dataset.license,
      funding: dataset.funding,
      createdAt: dataset.createdAt,
      updatedAt: dataset.updatedAt,
      publishedAt: dataset.publishedAt,
    }),
  );

/** Reads a dataset object (contract §5.1 shape plus `doi`) into deposit input; throws a ZodError. */
export function parseDatasetForDeposit(raw: unknown): DatasetForDeposit {
  return datasetForDepositSchema.parse(raw);
}
