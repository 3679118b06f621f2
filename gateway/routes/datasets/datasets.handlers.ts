import type postgres from "postgres";
import type { AppRouteHandler } from "../../app/types.ts";
import { purgeDelaySeconds } from "../../documents/when.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { DATASET_NOT_FOUND } from "../../errors/not-found.ts";
import { mapDatasetErrors } from "./datasets.errors.ts";
import * as queries from "./datasets.queries.ts";
import type * as routes from "./datasets.routes.ts";
import { invokePublishFunction } from "./publish-function.ts";

/** The dataset as the caller now sees it, for answers after a change in the same transaction. */
export async function detailOrNotFound(tx: postgres.TransactionSql, datasetId: string) {
  const dataset = await queries.findDatasetDetail(tx, datasetId);
  if (!dataset) throw httpErrors.notFound(DATASET_NOT_FOUND);
  return dataset;
}

export const listPublished: AppRouteHandler<typeof routes.listPublished> = async (c) =>
  c.json(await c.var.db((tx) => queries.listDatasets(tx, { kind: "published" }, c.req.valid("query"))), 200);

export const listUnpublished: AppRouteHandler<typeof routes.listUnpublished> = async (c) =>
  c.json(await c.var.db((tx) => queries.listDatasets(tx, { kind: "unpublished" }, c.req.valid("query"))), 200);

export const listDeleted: AppRouteHandler<typeof routes.listDeleted> = async (c) =>
  c.json(await c.var.db((tx) => queries.listDatasets(tx, { kind: "deleted" }, c.req.valid("query"))), 200);

export const getDataset: AppRouteHandler<typeof routes.getDataset> = async (c) => {
  const { datasetId } = c.req.valid("param");
  return c.json(await c.var.db((tx) => detailOrNotFound(tx, datasetId)), 200);
};

export const updateDataset: AppRouteHandler<typeof routes.updateDataset> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const fields = c.req.valid("json");
  const dataset = await mapDatasetErrors(() =>
    c.var.db(async (tx) => {
      if (!(await queries.updateDataset(tx, datasetId, fields))) {
        // RLS left no row to update: readable means "not yours to change", else not found.
        throw (await queries.isDatasetVisible(tx, datasetId))
          ? httpErrors.forbidden("You are not allowed to change this dataset")
          : httpErrors.notFound(DATASET_NOT_FOUND);
      }
      return detailOrNotFound(tx, datasetId);
    }),
  );
  return c.json(dataset, 200);
};

export const deleteDataset: AppRouteHandler<typeof routes.deleteDataset> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const { when } = c.req.valid("query");
  const deletion = await mapDatasetErrors(() =>
    c.var.db((tx) => queries.deleteDataset(tx, datasetId, purgeDelaySeconds(when))),
  );
  return c.json(
    {
      message: deletion.purged ? "Dataset deleted" : `Dataset will be deleted at ${deletion.delete_after.toISOString()}`,
      datasetId,
      purged: deletion.purged,
      deleteCommandTime: deletion.deleted_at.toISOString(),
      deleteOccurrenceTime: deletion.delete_after.toISOString(),
    },
    200,
  );
};

export const undeleteDataset: AppRouteHandler<typeof routes.undeleteDataset> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const dataset = await mapDatasetErrors(() =>
    c.var.db(async (tx) => {
      await queries.undeleteDataset(tx, datasetId);
      return detailOrNotFound(tx, datasetId);
    }),
  );
  return c.json(dataset, 200);
};

export const submitDataset: AppRouteHandler<typeof routes.submitDataset> = async (c) =>
  c.json(await invokePublishFunction(c.var.supabaseAsCaller(), c.req.valid("param").datasetId, "submit"), 200);

export const publishDataset: AppRouteHandler<typeof routes.publishDataset> = async (c) =>
  c.json(await invokePublishFunction(c.var.supabaseAsCaller(), c.req.valid("param").datasetId, "publish"), 200);

export const unpublishDataset: AppRouteHandler<typeof routes.unpublishDataset> = async (c) =>
  c.json(await invokePublishFunction(c.var.supabaseAsCaller(), c.req.valid("param").datasetId, "unpublish"), 200);

export const branchDataset: AppRouteHandler<typeof routes.branchDataset> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const { branchName } = c.req.valid("json");
  const branch = await mapDatasetErrors(() =>
    c.var.db(async (tx) => detailOrNotFound(tx, await queries.branchDataset(tx, datasetId, branchName ?? null))),
  );
  return c.json(branch, 200);
};

export const listBranches: AppRouteHandler<typeof routes.listBranches> = async (c) => {
  const { datasetId } = c.req.valid("param");
  const branches = await c.var.db(async (tx) => {
    if (!(await queries.isDatasetVisible(tx, datasetId))) throw httpErrors.notFound(DATASET_NOT_FOUND);
    // Every branch at once: a dataset has a handful, not pages of them.
    return (await queries.listDatasets(tx, { kind: "branches", parentId: datasetId }, { page: 1, pageSize: 1000 })).datasets;
  });
  return c.json({ branches, datasets: branches }, 200);
};
