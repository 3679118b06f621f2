// Request bodies as the NDI clients really send them (contract 12.1–12.3): JSON with no
// Content-Type, JSON labelled application/x-www-form-urlencoded (MATLAB webwrite), MATLAB's bare
// NaN / Infinity / -Infinity tokens, or nothing at all on POSTs that take no input. The body is
// read as text whatever its Content-Type says, and an empty body means {}.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { NdiJsonSyntaxError, toStrictJson } from "../documents/ndi-json.ts";
import { httpErrors } from "../errors/api-error.ts";

/** Request text -> strict JSON text, throwing on text that is not (lenient) JSON. */
export type RequestJsonParser = (text: string) => string;

/**
 * Contract 3.4: bare non-finite tokens become the sentinel strings clients read back
 * ("__NDI__NaN__", …), and every other character is kept, numbers digit for digit.
 */
export const parseRequestJson: RequestJsonParser = toStrictJson;

export async function readJsonText(c: Context, parse: RequestJsonParser = parseRequestJson): Promise<string> {
  const text = await c.req.text();
  if (text.trim() === "") return "{}";
  try {
    return parse(text);
  } catch (error) {
    if (error instanceof NdiJsonSyntaxError || error instanceof SyntaxError) throw httpErrors.malformedJson();
    throw error;
  }
}

/**
 * Route middleware (`createRoute({ middleware: [jsonBody()] as const, request: { body } })`) for a
 * route with a JSON body schema: the body is read as above and handed on as application/json, so
 * the route's zod schema validates it and `c.req.valid("json")` is typed. `c.req.text()` then
 * gives the strict text itself, for routes that store JSON without a trip through doubles.
 */
export function jsonBody(parse: RequestJsonParser = parseRequestJson) {
  return createMiddleware(async function jsonBody(c, next) {
    const text = await readJsonText(c, parse);
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    c.req.raw = new Request(c.req.raw, { headers, body: text });
    // Cache the new body as text: the validators' json() is parsed from it, and text() returns it unchanged.
    c.req.bodyCache = {};
    await c.req.text();
    await next();
  });
}
