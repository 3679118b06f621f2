// Reading route input: JSON bodies and query strings checked with zod, object keys from the path.
// Bad input becomes a Storage InvalidRequest error, never a thrown zod error.
import type { Context } from "hono";
import { z } from "zod";
import { ERRORS } from "./errors.ts";
import { validObjectName } from "./names.ts";
import type { ObjectKey } from "./objects.ts";

export async function jsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.infer<Schema>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw ERRORS.invalidRequest("Body is not valid JSON");
  }
  return validInput(schema, body);
}

export function queryInput<Schema extends z.ZodType>(c: Context, schema: Schema): z.infer<Schema> {
  return validInput(schema, c.req.query());
}

function validInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw ERRORS.invalidRequest(`${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return result.data;
}

/** The `:bucket` and `:name{.+}` path parameters (already percent-decoded by the router). */
export function objectKeyParam(c: Context): ObjectKey {
  return { bucketId: c.req.param("bucket") ?? "", name: validObjectName(c.req.param("name")) };
}
