// How the dataset functions' and RLS's refusals read to the clients (contract 3.5): a dataset the
// caller may not see is "not found" (P0002 from the deletion and branch functions), a published
// dataset that must be unpublished first is a conflict (55000); both are mapped in db/errors.ts.
import postgres from "postgres";
import { mapDatabaseErrors, SQLSTATE, type DatabaseErrorOptions } from "../../db/errors.ts";
import { DATASET_NOT_FOUND } from "../../errors/not-found.ts";

export function mapDatasetErrors<T>(
  work: () => Promise<T>,
  options: DatabaseErrorOptions = { permissionDenied: "forbidden" },
): Promise<T> {
  return mapDatabaseErrors(work, { notFoundMessage: DATASET_NOT_FOUND, functionRefusals: true, ...options });
}

/** RLS (or a field guard) refused the statement. */
export const isPermissionDenied = (error: unknown): boolean =>
  error instanceof postgres.PostgresError && error.code === SQLSTATE.insufficientPrivilege;
