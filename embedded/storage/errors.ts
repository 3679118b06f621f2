// Storage errors exactly as Supabase Storage reports them, because storage-js and app code read
// them: a JSON body {statusCode, code, error, message} where `statusCode` is the logical status as
// a string, sent with HTTP 400 for every client error (Supabase's historic quirk) unless the
// error names its own HTTP status. Everything thrown in the Storage server ends up here.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import postgres from "postgres";

export class StorageError extends Error {
  constructor(
    readonly code: string,
    /** The logical status, rendered in the body. */
    readonly statusCode: number,
    message: string,
    /** The legacy `error` field clients still match on. */
    readonly error: string = code,
    /** Set only where Supabase answers with a status other than 400 (or 500). */
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = "StorageError";
  }

  /** Set when the request body may be partly unread: the connection cannot carry another request. */
  closeConnection = false;

  closingConnection(): this {
    this.closeConnection = true;
    return this;
  }
}

export const ERRORS = {
  noSuchBucket: () => new StorageError("NoSuchBucket", 404, "Bucket not found", "Bucket not found"),
  noSuchKey: () => new StorageError("NoSuchKey", 404, "Object not found", "not_found"),
  bucketAlreadyExists: () => new StorageError("BucketAlreadyExists", 409, "The resource already exists", "Duplicate"),
  resourceAlreadyExists: () =>
    new StorageError("ResourceAlreadyExists", 409, "The resource already exists", "Duplicate"),
  bucketNotEmpty: () => new StorageError("ResourceNotEmpty", 409, "The bucket you tried to delete is not empty"),
  accessDenied: (message = "Access denied") => new StorageError("AccessDenied", 403, message, "Unauthorized"),
  invalidJwt: (message = "Invalid JWT") => new StorageError("InvalidJWT", 400, message),
  invalidSignature: (message = "Invalid signature") => new StorageError("InvalidSignature", 400, message),
  expiredToken: () => new StorageError("ExpiredToken", 400, "The provided token has expired."),
  entityTooLarge: (entity = "object") =>
    new StorageError("EntityTooLarge", 413, `The ${entity} exceeded the maximum allowed size`, "Payload too large"),
  invalidMimeType: (mimetype: string) =>
    new StorageError("InvalidMimeType", 415, `mime type ${mimetype} is not supported`, "invalid_mime_type"),
  invalidBucketName: () => new StorageError("InvalidBucketName", 400, "Bucket name invalid", "Invalid Input"),
  invalidKey: (key: string) => new StorageError("InvalidKey", 400, `Invalid key: ${key}`),
  invalidRange: () => new StorageError("InvalidRange", 416, "invalid range provided", "invalid_range", 416),
  invalidRequest: (message: string) => new StorageError("InvalidRequest", 400, message),
  incompleteBody: () =>
    new StorageError("InvalidRequest", 400, "Request body ended before the announced Content-Length"),
  /** The client went away mid-request; nobody reads this answer. */
  aborted: () => new StorageError("Aborted", 499, "Request aborted", "Request aborted", 499),
  internal: (cause?: unknown) => Object.assign(new StorageError("InternalError", 500, "Internal Server Error", "Internal"), { cause }),
};

/** SQLSTATEs that mean something to a Storage client; everything else is an internal error. */
function fromDatabaseError(error: postgres.PostgresError): StorageError | undefined {
  switch (error.code) {
    case "42501":
      return ERRORS.accessDenied(
        error.message.includes("row-level security") ? "new row violates row-level security policy" : error.message,
      );
    case "23505":
      return ERRORS.resourceAlreadyExists();
    case "23503":
      return ERRORS.invalidRequest("The resource could not be updated or removed due to a foreign key constraint");
    default:
      return undefined;
  }
}

export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  if (error instanceof postgres.PostgresError) {
    const known = fromDatabaseError(error);
    if (known) return known;
  }
  return ERRORS.internal(error);
}

export function renderStorageError(c: Context, error: StorageError, headers: Record<string, string> = {}): Response {
  const status = error.httpStatus ?? (error.statusCode >= 500 ? 500 : 400);
  return c.json(
    { statusCode: String(error.statusCode), code: error.code, error: error.error, message: error.message },
    status as ContentfulStatusCode,
    error.closeConnection ? { ...headers, Connection: "close" } : headers,
  );
}
