// Every request carries an id through logs and back to the client: the caller's X-Request-ID when
// it looks like an id (the BFF sends one, contract 1.2), otherwise a fresh UUID.
import { createMiddleware } from "hono/factory";

export interface RequestIdVariables {
  requestId: string;
}

export const REQUEST_ID_HEADER = "X-Request-ID";
// Printable, no spaces or quotes: safe to echo in a header and to write into a log line.
const SANE_REQUEST_ID = /^[\w.:=+\/-]{1,200}$/;

export function requestId() {
  return createMiddleware<{ Variables: RequestIdVariables }>(async function assignRequestId(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
  });
}
