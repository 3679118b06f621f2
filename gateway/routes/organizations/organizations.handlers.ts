import type { AppRouteHandler } from "../../app/types.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { detailOrNotFound } from "../datasets/datasets.handlers.ts";
import { isPermissionDenied } from "../datasets/datasets.errors.ts";
import * as queries from "../datasets/datasets.queries.ts";
import type * as routes from "./organizations.routes.ts";

export const listOrganizationDatasets: AppRouteHandler<typeof routes.listOrganizationDatasets> = async (c) => {
  const { organizationId } = c.req.valid("param");
  const page = await c.var.db((tx) => queries.listDatasets(tx, { kind: "organization", organizationId }, c.req.valid("query")));
  return c.json(page, 200);
};

// Contract 3.5: a caller without upload rights (RLS refuses the insert) gets 400, not 403.
const NO_UPLOAD_RIGHTS = "You cannot create datasets in this organization";

export const createDataset: AppRouteHandler<typeof routes.createDataset> = async (c) => {
  const { organizationId } = c.req.valid("param");
  const dataset = await c.var
    .db(async (tx) => detailOrNotFound(tx, await queries.insertDataset(tx, organizationId, c.req.valid("json"))))
    .catch((error: unknown) => {
      throw isPermissionDenied(error) ? httpErrors.badRequest(NO_UPLOAD_RIGHTS, "no_upload_rights") : error;
    });
  return c.json(dataset, 201);
};
