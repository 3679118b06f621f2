// What a Postgres error means to an NDI client: the one place SQLSTATEs become HTTP statuses.
// RLS and the database's own constraints are the rules, so their refusals reach the client as
// 4xx answers; anything not listed is a bug or an outage and stays a logged 500.
import postgres from "postgres";
import { ApiError, httpErrors } from "../errors/api-error.ts";

export const SQLSTATE = {
  insufficientPrivilege: "42501",
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  notNullViolation: "23502",
  checkViolation: "23514",
  stringDataRightTruncation: "22001",
  invalidTextRepresentation: "22P02",
  invalidParameterValue: "22023",
  queryCanceled: "57014",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  lockNotAvailable: "55P03",
  tooManyConnections: "53300",
  raiseException: "P0001",
  noDataFound: "P0002",
  objectNotInPrerequisiteState: "55000",
} as const;

export interface DatabaseErrorOptions {
  /**
   * How a permission refusal (42501, also raised by RLS on writes) reads to the client. Routes on
   * rows the caller may not even know about choose "not_found" so the answer does not reveal them.
   */
  permissionDenied?: "forbidden" | "not_found";
  /** The message of that not-found answer, e.g. "Dataset not found". */
  notFoundMessage?: string;
  /**
   * For routes calling our deletion and branch functions, which raise P0002 (missing or unreadable:
   * 404 with notFoundMessage) and 55000 (e.g. the dataset is published: 409 with their message).
   * Off elsewhere: other raisers of these codes (the jobs trigger's 55000) stay a 500.
   */
  functionRefusals?: boolean;
}

/** The client-facing error for a database error, or undefined when it is an internal failure. */
export function apiErrorFromDatabase(error: unknown, options: DatabaseErrorOptions = {}): ApiError | undefined {
  if (!(error instanceof postgres.PostgresError)) return undefined;
  switch (error.code) {
    case SQLSTATE.insufficientPrivilege:
      return options.permissionDenied === "not_found"
        ? httpErrors.notFound(options.notFoundMessage)
        : httpErrors.forbidden("You do not have permission to do this");
    case SQLSTATE.uniqueViolation:
      return httpErrors.conflict("The resource already exists");
    case SQLSTATE.foreignKeyViolation:
      // Deleting a row others still point at is a conflict; pointing at a missing row is bad input.
      return /still referenced/.test(error.detail ?? "")
        ? httpErrors.conflict("The resource is still referenced by other resources")
        : httpErrors.badRequest("The request refers to a resource that does not exist", "invalid_reference");
    // invalid_text_representation is e.g. a malformed id in the path: contract 3.5 wants a 4xx there.
    case SQLSTATE.invalidTextRepresentation:
    case SQLSTATE.notNullViolation:
    case SQLSTATE.checkViolation:
    case SQLSTATE.stringDataRightTruncation:
    case SQLSTATE.invalidParameterValue:
      return httpErrors.badRequest(`Invalid value: ${error.message}`, "invalid_value");
    case SQLSTATE.raiseException:
      // Our own SQL functions raise readable messages meant for the caller.
      return httpErrors.badRequest(error.message);
    case SQLSTATE.noDataFound:
      return options.functionRefusals ? httpErrors.notFound(options.notFoundMessage) : undefined;
    case SQLSTATE.objectNotInPrerequisiteState:
      return options.functionRefusals ? httpErrors.conflict(error.message) : undefined;
    case SQLSTATE.queryCanceled:
      return httpErrors.timeout("The database took too long to answer");
    case SQLSTATE.serializationFailure:
    case SQLSTATE.deadlockDetected:
    case SQLSTATE.lockNotAvailable:
    case SQLSTATE.tooManyConnections:
      // Transient: clients retry 503 on idempotent calls (contract 3.5).
      return httpErrors.serviceUnavailable("The database is busy; try again");
    default:
      return undefined;
  }
}

/** For a route that must decide itself: rethrows a database error as its client-facing ApiError. */
export async function mapDatabaseErrors<T>(work: () => Promise<T>, options: DatabaseErrorOptions): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw apiErrorFromDatabase(error, options) ?? error;
  }
}
