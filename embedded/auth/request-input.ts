// Request input as GoTrue reads it: a JSON body whose fields must have the right JSON types
// (400 bad_json otherwise; unknown fields are ignored), and e-mail addresses checked and lowercased.
import type { Context } from "hono";
import { z } from "zod";
import { ERRORS } from "./errors.ts";

export async function jsonBody<Schema extends z.ZodType>(c: Context, schema: Schema): Promise<z.infer<Schema>> {
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw ERRORS.badJson((error as Error).message);
    }
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw ERRORS.badJson(`${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return result.data;
}

/** Optional JSON fields: absent and null both mean "not given", as in Go. */
export const optionalString = z.string().nullish().transform((value) => value ?? "");
export const optionalObject = z.record(z.string(), z.unknown()).nullish().transform((value) => value ?? undefined);

// The address syntax GoTrue accepts (checkmail.ValidateFormat).
const EMAIL_FORMAT =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function validEmail(email: string): string {
  if (email === "") throw ERRORS.validation("An email address is required");
  if (email.length > 255) throw ERRORS.validation("An email address is too long");
  if (!EMAIL_FORMAT.test(email)) throw ERRORS.validation("Unable to validate email address: invalid format");
  return email.toLowerCase();
}

/** The embedded server speaks only the implicit flow; a PKCE challenge would be silently ignored. */
export function refusePkce(codeChallenge: string | null | undefined): void {
  if (codeChallenge) throw ERRORS.pkceUnsupported();
}
