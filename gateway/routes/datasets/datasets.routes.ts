// The dataset routes (contract R17–R28). The literal lists (published, unpublished, deleted) are
// declared before /datasets/{datasetId} and the index mounts them first (contract 2's hazards).
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { jsonBody } from "../../middleware/json-body.ts";
import { requireUser } from "../../middleware/require-user.ts";
import { datasetParams, pagingQuery, whenSchema } from "../documents/documents.schemas.ts";
import {
  branchBodySchema,
  branchListSchema,
  datasetDetailSchema,
  datasetFieldsSchema,
  datasetListSchema,
  deleteResultSchema,
  publishResultSchema,
} from "./datasets.schemas.ts";

const TAGS = ["Datasets"];
const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});
const unauthorized = errorResponse("No valid bearer token");
const badRequest = errorResponse("Malformed id, query or body");
const notFound = errorResponse("No such dataset, or not one the caller may see");

// Client defaults are 20 (MATLAB, BFF) or 1000 (Python); the BFF sends none for unpublished.
const DEFAULT_PAGE_SIZE = 20;

const datasetList = (path: string, summary: string, description: string, anonymous: boolean) =>
  createRoute({
    method: "get",
    path,
    tags: TAGS,
    summary,
    description,
    ...(anonymous ? { security: [] } : { middleware: [requireUser()] as const }),
    request: { query: pagingQuery(DEFAULT_PAGE_SIZE) },
    responses: {
      200: json("One page, newest first, with the full count", datasetListSchema),
      400: badRequest,
      401: unauthorized,
    },
  });

export const listPublished = datasetList(
  "/datasets/published",
  "Published datasets",
  "Anyone, without a token (contract 1.5). Published and not deleted.",
  true,
);

export const listUnpublished = datasetList(
  "/datasets/unpublished",
  "Submitted, unpublished datasets",
  "The review pile: submitted and not yet published, of the organizations the caller belongs to (platform admins: all).",
  false,
);

export const listDeleted = datasetList(
  "/datasets/deleted",
  "Soft-deleted datasets",
  "Soft-deleted datasets the caller can still undelete (upload rights in their organization), most recently deleted first.",
  false,
);

export const getDataset = createRoute({
  method: "get",
  path: "/datasets/{datasetId}",
  tags: TAGS,
  summary: "One dataset with its document ids and uploaded files",
  description: "Published datasets without a token; others for members of the owning organization.",
  security: [],
  request: { params: datasetParams },
  responses: {
    200: json("The dataset", datasetDetailSchema),
    400: badRequest,
    401: unauthorized,
    404: notFound,
  },
});

export const updateDataset = createRoute({
  method: "post",
  path: "/datasets/{datasetId}",
  tags: TAGS,
  summary: "Update (merge) dataset fields",
  description:
    "Sets the given fields and keeps the others; unknown fields are stored as given. Members with upload rights while unpublished; organization admins also while published.",
  middleware: [requireUser(), jsonBody()] as const,
  request: {
    params: datasetParams,
    body: { content: { "application/json": { schema: datasetFieldsSchema } }, required: true },
  },
  responses: {
    200: json("The updated dataset", datasetDetailSchema),
    400: badRequest,
    401: unauthorized,
    403: errorResponse("The caller may read but not change the dataset (or that field)"),
    404: notFound,
  },
});

export const deleteDataset = createRoute({
  method: "delete",
  path: "/datasets/{datasetId}",
  tags: TAGS,
  summary: "Delete a dataset now or after a grace period",
  description:
    "`when=now` removes the dataset, its documents and files for good; `Nm`/`Nh`/`Nd` (default 7d) hides it until then, and undelete restores it.",
  middleware: [requireUser()] as const,
  request: { params: datasetParams, query: z.object({ when: whenSchema }) },
  responses: {
    200: json("Deleted (or scheduled for deletion)", deleteResultSchema),
    400: badRequest,
    401: unauthorized,
    403: errorResponse("The caller may read but not delete the dataset"),
    404: notFound,
    409: errorResponse("The dataset is published; an organization admin must unpublish it first"),
  },
});

const datasetAction = <A extends string>(action: A, summary: string, description: string) => ({
  method: "post" as const,
  path: `/datasets/{datasetId}/${action}` as const,
  tags: TAGS,
  summary,
  description,
  middleware: requireUser(),
  request: { params: datasetParams },
});

export const undeleteDataset = createRoute({
  ...datasetAction("undelete", "Restore a soft-deleted dataset", "With its documents, before the grace period ends."),
  responses: {
    200: json("The restored dataset", datasetDetailSchema),
    401: unauthorized,
    400: badRequest,
    403: errorResponse("The caller may not undelete in this organization"),
    404: errorResponse("No such deleted dataset, or it is gone for good"),
  },
});

const publishResponses = {
  200: json("The dataset's state after the change", publishResultSchema),
  400: badRequest,
  401: unauthorized,
  403: errorResponse("The caller may read the dataset but not do this"),
  404: notFound,
  503: errorResponse("The publishing function did not answer"),
};

export const submitDataset = createRoute({
  ...datasetAction("submit", "Submit for review", "Sets isSubmitted. Members with upload rights."),
  responses: publishResponses,
});

export const publishDataset = createRoute({
  ...datasetAction(
    "publish",
    "Publish",
    "Sets isPublished at once (organization admins/owners, platform admins). What a DOI still lacks is reported in doiStatusMessage; the Crossref deposit is queued.",
  ),
  responses: publishResponses,
});

export const unpublishDataset = createRoute({
  ...datasetAction("unpublish", "Unpublish", "Clears isPublished (organization admins/owners, platform admins)."),
  responses: publishResponses,
});

export const branchDataset = createRoute({
  method: "post",
  path: "/datasets/{datasetId}/branch",
  tags: TAGS,
  summary: "Branch a dataset",
  description:
    "A new dataset in the same organization sharing the parent's documents and files as they are now; no bytes are copied.",
  middleware: [requireUser(), jsonBody()] as const,
  request: {
    params: datasetParams,
    body: { content: { "application/json": { schema: branchBodySchema } }, required: true },
  },
  responses: {
    200: json("The new branch", datasetDetailSchema),
    400: badRequest,
    401: unauthorized,
    403: errorResponse("The caller may read the dataset but has no upload rights in its organization"),
    404: notFound,
  },
});

export const listBranches = createRoute({
  method: "get",
  path: "/datasets/{datasetId}/branches",
  tags: TAGS,
  summary: "Branches of a dataset",
  description: "The datasets branched from this one that the caller may see, under both `branches` and `datasets`.",
  security: [],
  request: { params: datasetParams },
  responses: {
    200: json("The branches", branchListSchema),
    400: badRequest,
    401: unauthorized,
    404: notFound,
  },
});
