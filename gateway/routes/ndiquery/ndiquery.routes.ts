// POST /ndiquery (contract R41): search documents across the datasets in scope.
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";
import { jsonBody } from "../../middleware/json-body.ts";
import { documentSummarySchema, pagingQuery } from "../documents/documents.schemas.ts";

const SCOPE = /^\s*(public|private|all|[0-9a-fA-F]{24}(\s*,\s*[0-9a-fA-F]{24})*)\s*$/;

export const ndiqueryBodySchema = z.object({
  scope: z
    .string()
    .regex(SCOPE, "must be public, private, all or a comma-separated list of 24-hex dataset ids")
    .openapi({ example: "public" }),
  searchstructure: z
    .unknown()
    .refine((value) => value !== undefined, "is required")
    .openapi({
      description:
        "One node `{field, operation, param1, param2}` or an array of nodes (AND). Operations: exact_string, exact_string_anycase, contains_string, regexp, exact_number, lessthan, lessthaneq, greaterthan, greaterthaneq, hasfield, hasmember, hassize, partial_struct, hasanysubfield_contains_string, hasanysubfield_exact_string, isa, depends_on, or; `~` negates any but or.",
    }),
});

export const ndiqueryResultSchema = z
  .object({
    documents: z.array(documentSummarySchema),
    number_matches: z.number().int(),
    totalItems: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .openapi("NdiQueryResult");

export const ndiquery = createRoute({
  method: "post",
  path: "/ndiquery",
  tags: ["Documents"],
  summary: "Search documents (R41)",
  description:
    "Scope `public` (published datasets), `private` (readable unpublished ones), `all`, or dataset ids (unreadable ones are ignored). Results in ascending id order; deleted documents never match.",
  middleware: [jsonBody()] as const,
  request: {
    query: pagingQuery(20),
    body: { required: true, content: { "application/json": { schema: ndiqueryBodySchema } } },
  },
  responses: {
    200: { description: "A page of matching documents", content: { "application/json": { schema: ndiqueryResultSchema } } },
    400: errorResponse("A malformed scope, paging or search structure; the message names the bad clause"),
    401: errorResponse("The bearer token is not valid"),
  },
});

export type NdiqueryRoute = typeof ndiquery;
