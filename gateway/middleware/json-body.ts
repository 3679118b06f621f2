// Request bodies as the NDI clients really send them (contract 12.1–12.2): JSON with no
// Content-Type, JSON labelled application/x-www-form-urlencoded (MATLAB webwrite), or nothing at
// all on POSTs that take no input. The body is read as text whatever its Content-Type says, and
// an empty body means {}.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { httpErrors } from "../errors/api-error.ts";

export type RequestJsonParser = (text: string) => unknown;

/**
 * The seam for contract 3.4: strict JSON today. The lenient parser that also accepts MATLAB's
 * bare NaN / Infinity / -Infinity tokens replaces this function, and must then choose how those
 * values survive the canonical re-encoding in jsonBody() (JSON.stringify writes them as null).
 */
export const parseRequestJson: RequestJsonParser = (text) => JSON.parse(text);

export async function readJsonBody(c: Context, parse: RequestJsonParser = parseRequestJson): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return parse(text);
  } catch {
    throw httpErrors.malformedJson();
  }
}

/**
 * Route middleware (`createRoute({ middleware: [jsonBody()] as const, request: { body } })`) for a
 * route with a JSON body schema: the body is read as above and handed on as canonical
 * application/json, so the route's zod schema validates it and `c.req.valid("json")` is typed.
 */
export function jsonBody(parse: RequestJsonParser = parseRequestJson) {
  return createMiddleware(async function jsonBody(c, next) {
    const value = await readJsonBody(c, parse);
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    c.req.raw = new Request(c.req.raw, { headers, body: JSON.stringify(value) });
    c.req.bodyCache = {}; // the text read above was the original; validators must see the new body
    await next();
  });
}
