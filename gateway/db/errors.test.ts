import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { apiErrorFromDatabase, mapDatabaseErrors, SQLSTATE } from "./errors.ts";

const pgError = (code: string, fields: Record<string, string> = {}) =>
  new postgres.PostgresError({ code, message: `error ${code}`, ...fields } as never);

describe("apiErrorFromDatabase", () => {
  it.each([
    [SQLSTATE.insufficientPrivilege, 403],
    [SQLSTATE.uniqueViolation, 409],
    [SQLSTATE.invalidTextRepresentation, 400],
    [SQLSTATE.checkViolation, 400],
    [SQLSTATE.raiseException, 400],
    [SQLSTATE.queryCanceled, 504],
    [SQLSTATE.serializationFailure, 503],
  ])("maps SQLSTATE %s to %i", (code, status) => {
    expect(apiErrorFromDatabase(pgError(code))?.status).toBe(status);
  });

  it("tells a foreign key still in use (409) from one pointing nowhere (400)", () => {
    const stillReferenced = pgError(SQLSTATE.foreignKeyViolation, { detail: 'Key (id)=(1) is still referenced from table "documents".' });
    const missing = pgError(SQLSTATE.foreignKeyViolation, { detail: 'Key (dataset_id)=(9) is not present in table "datasets".' });
    expect(apiErrorFromDatabase(stillReferenced)?.status).toBe(409);
    expect(apiErrorFromDatabase(missing)?.status).toBe(400);
  });

  it("passes a raised exception's own message to the client", () => {
    expect(apiErrorFromDatabase(pgError(SQLSTATE.raiseException))?.message).toBe("error P0001");
  });

  it("leaves unknown SQLSTATEs and non-database errors to the 500 path", () => {
    expect(apiErrorFromDatabase(pgError("42P01"))).toBeUndefined();
    expect(apiErrorFromDatabase(new Error("boom"))).toBeUndefined();
  });

  it("maps our functions' refusals (P0002 404, 55000 409 with their message) only where a route asks", () => {
    const missing = pgError(SQLSTATE.noDataFound);
    const published = pgError(SQLSTATE.objectNotInPrerequisiteState);
    expect(apiErrorFromDatabase(missing, { functionRefusals: true, notFoundMessage: "Dataset not found" })).toMatchObject({
      status: 404,
      message: "Dataset not found",
    });
    expect(apiErrorFromDatabase(published, { functionRefusals: true })).toMatchObject({ status: 409, message: "error 55000" });
    expect(apiErrorFromDatabase(missing)).toBeUndefined();
    expect(apiErrorFromDatabase(published)).toBeUndefined();
  });

  it("lets a route turn a permission refusal into a not-found", async () => {
    const refused = mapDatabaseErrors(() => Promise.reject(pgError(SQLSTATE.insufficientPrivilege)), {
      permissionDenied: "not_found",
      notFoundMessage: "Dataset not found",
    });
    await expect(refused).rejects.toMatchObject({ status: 404, message: "Dataset not found" });
  });
});
