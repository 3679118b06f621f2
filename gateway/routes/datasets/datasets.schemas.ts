// The shapes of the organization and dataset routes (contract 5), the single description of what
// they accept and answer; /v1/openapi.json is generated from them.
import { z } from "@hono/zod-openapi";
import { objectIdSchema } from "../documents/documents.schemas.ts";

const isoTimestamp = z.string().openapi({ example: "2026-03-15T14:30:05.123Z" });

/** A file entry of a dataset's `files` (contract 7.3): only files whose bytes have landed. */
export const datasetFileSchema = z
  .object({
    uid: z.string(),
    uploaded: z.boolean(),
    size: z.number().int().nullable(),
    sourceDatasetId: z.string().nullable(),
  })
  .openapi("DatasetFile");

/**
 * The Dataset object (contract 5.1). Every key is present on every dataset (null when unset, so
 * MATLAB decodes lists as struct arrays); fields a client stored beyond these come along as given.
 */
export const datasetSchema = z
  .object({
    id: z.string().openapi({ example: "65f0c0ffee0000000000c001" }),
    _id: z.string().openapi({ example: "65f0c0ffee0000000000c001" }),
    name: z.string(),
    description: z.string().nullable(),
    abstract: z.string().nullable(),
    organizationId: z.string(),
    branchName: z.string().nullable(),
    branchOf: z.string().nullable(),
    contributors: z.unknown(),
    correspondingAuthors: z.unknown(),
    funding: z.unknown(),
    associatedPublications: z.unknown(),
    license: z.string().nullable(),
    doi: z.string().nullable(),
    doiStatus: z.enum(["pending", "submitted", "registered", "failed"]).nullable(),
    doiStatusMessage: z.string().nullable(),
    species: z.string().nullable(),
    brainRegions: z.string().nullable(),
    numberOfSubjects: z.number().int().nullable(),
    neurons: z.number().int().nullable(),
    pubMedId: z.string().nullable(),
    affiliation: z.string().nullable(),
    isSubmitted: z.boolean(),
    isPublished: z.boolean(),
    isDeleted: z.boolean(),
    publishStatus: z.enum(["unpublished", "submitted", "published"]),
    submittedAt: isoTimestamp.nullable(),
    publishedAt: isoTimestamp.nullable(),
    deleteCommandTime: isoTimestamp.nullable(),
    deleteOccurrenceTime: isoTimestamp.nullable(),
    documentCount: z.number().int(),
    fileCount: z.number().int(),
    totalSize: z.number().int(),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
  })
  .catchall(z.unknown())
  .openapi("Dataset");

/** GET /datasets/{id} also lists the document ids and the uploaded files. */
export const datasetDetailSchema = datasetSchema
  .extend({ documents: z.array(z.string()), files: z.array(datasetFileSchema) })
  .openapi("DatasetDetail");

export const datasetListSchema = z
  .object({
    totalNumber: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    datasets: z.array(datasetSchema),
  })
  .openapi("DatasetList");

/** R28: ML reads `branches`, the BFF `datasets`; both carry the same list (contract 12.15). */
export const branchListSchema = z
  .object({ branches: z.array(datasetSchema), datasets: z.array(datasetSchema) })
  .openapi("BranchList");

const text = z.string().nullable();

/**
 * What create and update accept (contract R16, R21, 12.14): the dataset's fields, any shape where
 * the column is JSON (funding as one object, `orchid` in contributors), and any further fields,
 * kept as given. Only values the server cannot store in its typed columns are refused.
 */
export const datasetFieldsSchema = z
  .object({
    name: z.string(),
    description: text,
    abstract: text,
    branchName: text,
    contributors: z.unknown(),
    correspondingAuthors: z.unknown(),
    funding: z.unknown(),
    associatedPublications: z.unknown(),
    license: text,
    doi: text,
    species: text,
    brainRegions: text,
    numberOfSubjects: z.number().int().nullable(),
    neurons: z.number().int().nullable(),
    // PubMed ids are numbers to some clients; kept as text.
    pubMedId: z.union([z.string(), z.number()]).nullable(),
    affiliation: text,
    isSubmitted: z.boolean(),
    isPublished: z.boolean(),
  })
  .partial()
  .catchall(z.unknown())
  .openapi("DatasetFields");

export type DatasetFields = z.infer<typeof datasetFieldsSchema>;

export const createDatasetBodySchema = datasetFieldsSchema.required({ name: true }).openapi("NewDataset");

export const branchBodySchema = z.object({ branchName: z.string().nullable().optional() }).catchall(z.unknown());

/** R22 answers with a `message` (the Python client asserts it) and what happened. */
export const deleteResultSchema = z
  .object({
    message: z.string(),
    datasetId: z.string(),
    purged: z.boolean(),
    deleteCommandTime: isoTimestamp,
    deleteOccurrenceTime: isoTimestamp,
  })
  .openapi("DatasetDeleteResult");

/** R24–R26: the state after the change, and what a DOI still needs (contract 9). */
export const publishResultSchema = z
  .object({
    message: z.string(),
    datasetId: z.string(),
    action: z.enum(["submit", "publish", "unpublish"]),
    isSubmitted: z.boolean(),
    isPublished: z.boolean(),
    doiStatus: z.enum(["pending", "submitted", "registered", "failed"]).nullable(),
    doiStatusMessage: z.string().nullable(),
    missingForDoi: z.array(z.string()),
  })
  .openapi("PublishResult");

export type PublishResult = z.infer<typeof publishResultSchema>;

export const organizationParams = z.object({
  organizationId: objectIdSchema.openapi({ param: { name: "organizationId", in: "path" }, example: "65f0c0ffee0000000000b001" }),
});
