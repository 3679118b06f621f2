// An organization's datasets (contract R15, R16).
import { createRoute } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { jsonBody } from "../../middleware/json-body.ts";
import { requireUser } from "../../middleware/require-user.ts";
import { pagingQuery } from "../documents/documents.schemas.ts";
import { createDatasetBodySchema, datasetDetailSchema, datasetListSchema, organizationParams } from "../datasets/datasets.schemas.ts";

// MATLAB's default; it expects a dataset it just created on page 1, hence newest first.
const DEFAULT_PAGE_SIZE = 20;

export const listOrganizationDatasets = createRoute({
  method: "get",
  path: "/organizations/{organizationId}/datasets",
  tags: ["Organizations"],
  summary: "The organization's datasets the caller may see",
  description: "Every state (draft, submitted, published), newest first, with the full count in totalNumber.",
  middleware: [requireUser()] as const,
  request: { params: organizationParams, query: pagingQuery(DEFAULT_PAGE_SIZE) },
  responses: {
    200: { description: "One page", content: { "application/json": { schema: datasetListSchema } } },
    400: errorResponse("Malformed organization id or paging"),
    401: errorResponse("No valid bearer token"),
  },
});

export const createDataset = createRoute({
  method: "post",
  path: "/organizations/{organizationId}/datasets",
  tags: ["Organizations"],
  summary: "Create a dataset",
  description:
    "Members with upload rights (canUploadDataset). Fields are stored as given, unknown ones too. Anyone else gets 400, as the clients expect (contract 3.5).",
  middleware: [requireUser(), jsonBody()] as const,
  request: {
    params: organizationParams,
    body: { content: { "application/json": { schema: createDatasetBodySchema } }, required: true },
  },
  responses: {
    201: { description: "The new dataset", content: { "application/json": { schema: datasetDetailSchema } } },
    400: errorResponse("Bad body, or no upload rights in this organization"),
    401: errorResponse("No valid bearer token"),
  },
});
