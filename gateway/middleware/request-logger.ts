// One structured line per request, after the response is decided. It names who asked (the JWT
// `sub`), never the token, and never logs bodies or query strings (they may carry user data).
import { createMiddleware } from "hono/factory";
import type { Logger } from "pino";
import type { CallerVariables } from "./caller.ts";
import type { RequestIdVariables } from "./request-id.ts";

export interface LoggerVariables {
  /** The app logger bound to this request's id; handlers log through it. */
  logger: Logger;
}

type RequestLoggerEnv = { Variables: LoggerVariables & RequestIdVariables & Partial<CallerVariables> };

export function requestLogger(logger: Logger) {
  return createMiddleware<RequestLoggerEnv>(async function logRequest(c, next) {
    const started = performance.now();
    const requestLogger = logger.child({ requestId: c.var.requestId });
    c.set("logger", requestLogger);
    await next();
    const status = c.res.status;
    requestLogger[status >= 500 ? "error" : "info"](
      {
        method: c.req.method,
        path: c.req.path,
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        sub: c.var.claims?.sub,
      },
      "request",
    );
  });
}
