// How the document functions' refusals and jsonb's limits read to a client. The deletion
// functions raise P0002 (missing or unreadable: 404) and 55000 (published dataset: 409); a
// document jsonb cannot hold (\u0000, an unpaired surrogate, a number beyond numeric) is bad input.
import postgres from "postgres";
import { mapDatabaseErrors } from "../../db/errors.ts";
import { httpErrors } from "../../errors/api-error.ts";

const NOT_FOUND = "P0002";
const OBJECT_NOT_IN_PREREQUISITE_STATE = "55000";
const UNTRANSLATABLE_CHARACTER = "22P05";
const NUMERIC_VALUE_OUT_OF_RANGE = "22003";
const PROGRAM_LIMIT_EXCEEDED = "54000";
const UNREPRESENTABLE = new Set([UNTRANSLATABLE_CHARACTER, NUMERIC_VALUE_OUT_OF_RANGE, PROGRAM_LIMIT_EXCEEDED]);

export const DATASET_NOT_FOUND = "Dataset not found";
export const DOCUMENT_NOT_FOUND = "Document not found";

export async function mapDocumentErrors<T>(work: () => Promise<T>, notFoundMessage = DATASET_NOT_FOUND): Promise<T> {
  try {
    return await mapDatabaseErrors(work, {});
  } catch (error) {
    if (!(error instanceof postgres.PostgresError)) throw error;
    if (error.code === NOT_FOUND) throw httpErrors.notFound(notFoundMessage);
    if (error.code === OBJECT_NOT_IN_PREREQUISITE_STATE) throw httpErrors.conflict(error.message);
    if (UNREPRESENTABLE.has(error.code)) throw httpErrors.badRequest(`The document cannot be stored: ${error.message}`, "invalid_document");
    throw error;
  }
}
