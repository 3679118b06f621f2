// How the dataset functions' and RLS's refusals read to the clients (contract 3.5): a dataset the
// caller may not see is "not found" (P0002 from the deletion and branch functions), a published
// dataset that must be unpublished first is a conflict (55000), and the rest is db/errors.ts.
import postgres from "postgres";
import { mapDatabaseErrors, SQLSTATE, type DatabaseErrorOptions } from "../../db/errors.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { DATASET_NOT_FOUND } from "../documents/documents.errors.ts";

const NO_DATA_FOUND = "P0002";
const OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";

export async function mapDatasetErrors<T>(
  work: () => Promise<T>,
  options: DatabaseErrorOptions = { permissionDenied: "forbidden" },
): Promise<T> {
  try {
    return await mapDatabaseErrors(work, { notFoundMessage: DATASET_NOT_FOUND, ...options });
  } catch (error) {
    if (!(error instanceof postgres.PostgresError)) throw error;
    if (error.code === NO_DATA_FOUND) throw httpErrors.notFound(DATASET_NOT_FOUND);
    if (error.code === OBJECT_NOT_IN_PREREQUISITE_STATE) throw httpErrors.conflict(error.message);
    throw error;
  }
}

/** RLS (or a field guard) refused the statement. */
export const isPermissionDenied = (error: unknown): boolean =>
  error instanceof postgres.PostgresError && error.code === SQLSTATE.insufficientPrivilege;
