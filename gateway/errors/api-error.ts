// The one error type a route throws. onError (errors/handlers.ts) renders it; nothing else writes
// error responses. The body is the /v1 envelope (contract 3.5) unless a subclass chooses another
// shape, which is how the auth routes will answer Cognito-style `{errors, code}` (contract R1–R8).
import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const errorEnvelopeSchema = z
  .object({
    message: z.string().openapi({ example: "Dataset not found" }),
    code: z.string().optional().openapi({ example: "not_found" }),
  })
  .openapi("Error");

export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** A route's declaration of an error status, for createRoute's `responses`. */
export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorEnvelopeSchema } },
});

export interface ApiErrorOptions {
  code?: string;
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly code: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.code = options.code;
    this.headers = options.headers ?? {};
  }

  /** The JSON body sent to the client; override to answer in another shape. */
  body(): Record<string, unknown> {
    return this.code === undefined ? { message: this.message } : { message: this.message, code: this.code };
  }
}

/** The errors every area needs, so the same situation always reads the same to a client. */
export const httpErrors = {
  badRequest: (message: string, code = "bad_request") => new ApiError(400, message, { code }),
  validationFailed: (message: string) => new ApiError(400, message, { code: "validation_failed" }),
  malformedJson: () => new ApiError(400, "Malformed JSON in request body", { code: "malformed_json" }),
  unauthorized: (message: string, code = "invalid_token") =>
    new ApiError(401, message, { code, headers: { "WWW-Authenticate": `Bearer error="invalid_token"` } }),
  forbidden: (message = "Forbidden") => new ApiError(403, message, { code: "forbidden" }),
  notFound: (message = "Not found") => new ApiError(404, message, { code: "not_found" }),
  methodNotAllowed: (allowed: readonly string[]) =>
    new ApiError(405, "Method not allowed", { code: "method_not_allowed", headers: { Allow: allowed.join(", ") } }),
  conflict: (message: string) => new ApiError(409, message, { code: "conflict" }),
  payloadTooLarge: (limitBytes: number) =>
    new ApiError(413, `Request body is larger than ${limitBytes} bytes`, { code: "payload_too_large" }),
  serviceUnavailable: (message: string) => new ApiError(503, message, { code: "service_unavailable" }),
  timeout: (message: string) => new ApiError(504, message, { code: "timeout" }),
  /** The cause is logged with the request id; the client only learns that something failed. */
  internal: (cause?: unknown) => new ApiError(500, "Internal server error", { code: "internal_error", cause }),
};
