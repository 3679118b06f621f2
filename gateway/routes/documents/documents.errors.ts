// How the document functions' refusals and jsonb's limits read to a client. The deletion
// functions' P0002 (missing or unreadable: 404) and 55000 (published dataset: 409) are mapped in
// db/errors.ts; what is left here is a document jsonb cannot hold (\u0000, an unpaired surrogate,
// a number beyond numeric), which is bad input.
import postgres from "postgres";
import { mapDatabaseErrors } from "../../db/errors.ts";
import { httpErrors } from "../../errors/api-error.ts";
import { DATASET_NOT_FOUND } from "../../errors/not-found.ts";

const UNTRANSLATABLE_CHARACTER = "22P05";
const NUMERIC_VALUE_OUT_OF_RANGE = "22003";
const PROGRAM_LIMIT_EXCEEDED = "54000";
const UNREPRESENTABLE = new Set([UNTRANSLATABLE_CHARACTER, NUMERIC_VALUE_OUT_OF_RANGE, PROGRAM_LIMIT_EXCEEDED]);

export async function mapDocumentErrors<T>(work: () => Promise<T>, notFoundMessage = DATASET_NOT_FOUND): Promise<T> {
  try {
    return await mapDatabaseErrors(work, { functionRefusals: true, notFoundMessage });
  } catch (error) {
    if (error instanceof postgres.PostgresError && UNREPRESENTABLE.has(error.code)) {
      throw httpErrors.badRequest(`The document cannot be stored: ${error.message}`, "invalid_document");
    }
    throw error;
  }
}
