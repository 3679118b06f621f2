// The single place error responses are written: thrown ApiErrors, Hono's own HTTPExceptions
// (malformed JSON from a validator, 415), database errors (db/errors.ts), unknown routes, wrong
// methods and zod validation failures all leave as the /v1 envelope. Anything unexpected is a
// 500 whose cause is logged with the request id and never sent to the client.
import type { Hook } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import { apiErrorFromDatabase } from "../db/errors.ts";
import type { AppEnv } from "../app/types.ts";
import { ApiError, httpErrors } from "./api-error.ts";

export function renderApiError(c: Context, error: ApiError): Response {
  return c.json(error.body(), error.status, error.headers);
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    return new ApiError(error.status, error.message || "Request failed", { cause: error });
  }
  return apiErrorFromDatabase(error) ?? httpErrors.internal(error);
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const apiError = toApiError(error);
  if (apiError.status >= 500) c.var.logger.error({ err: apiError.cause ?? error }, apiError.message);
  return renderApiError(c, apiError);
};

export const notFound: NotFoundHandler = (c) => renderApiError(c, httpErrors.notFound(`No route for ${c.req.method} ${c.req.path}`));

/** zod-openapi's defaultHook: a request that fails its route's schema is a 400 naming the fields. */
export const validationHook: Hook<unknown, AppEnv, string, void> = (result) => {
  if (!result.success) throw httpErrors.validationFailed(describeIssues(result.target, result.error));
};

function describeIssues(target: string, error: ZodError): string {
  return error.issues
    .map((issue) => `${[target === "json" ? "body" : target, ...issue.path.map(String)].join(".")}: ${issue.message}`)
    .join("; ");
}
