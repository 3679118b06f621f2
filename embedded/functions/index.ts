// The embedded Functions service: `/functions/v1/<name>[/...]` runs `<functionsDir>/<name>/index.ts`,
// an unmodified Supabase Edge Function, inside this process (deno-shim.ts). In front of it sits
// what Supabase's relay does: verify_jwt (on unless `[functions.<name>] verify_jwt = false` in
// supabase/config.toml), 404 for unknown functions, and a JSON 500 when a function fails.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Hono, type Context } from "hono";
import { basePath } from "hono/route";
import { bearerToken, InvalidTokenError, verifySupabaseJwt } from "../../gateway/db/claims.ts";
import { loadProjectConfig, type FunctionSettings } from "../project-config.ts";
import { installDenoShim, invokeFunction, loadFunction, type FunctionEnv } from "./deno-shim.ts";
import { resolveNpmSpecifiers } from "./npm-specifiers.ts";

export interface FunctionsAppOptions {
  /** Holds one folder per function, each with an index.ts. */
  functionsDir: string;
  /** The functions' whole environment: SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_DB_URL and secrets. */
  env: FunctionEnv;
  jwtSecret: string;
  /** `[functions.<name>]` settings; read from supabase/config.toml when omitted. */
  settings?: Record<string, FunctionSettings>;
  /** Where a function's failure is reported; the caller only gets a generic 500. */
  onFunctionError?: (name: string, error: unknown) => void;
}

// Bodies as Supabase's relay answers them; supabase-js surfaces them as FunctionsHttpError.
const RELAY_ERRORS = {
  notFound: { status: 404, body: { code: "NOT_FOUND", message: "Requested function was not found" } },
  noAuthHeader: { status: 401, body: { code: "UNAUTHORIZED_NO_AUTH_HEADER", message: "Missing authorization header" } },
  invalidJwt: { status: 401, body: { code: "UNAUTHORIZED_INVALID_JWT_FORMAT", message: "Invalid JWT" } },
  bootError: { status: 500, body: { code: "BOOT_ERROR", message: "Function failed to start (please check logs)" } },
  workerError: { status: 500, body: { code: "WORKER_ERROR", message: "Function exited due to an error (please check logs)" } },
} as const;

type RelayError = (typeof RELAY_ERRORS)[keyof typeof RELAY_ERRORS];

// A folder name the CLI would deploy: `_shared` and dot-folders are not functions.
const FUNCTION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function createFunctionsApp(options: FunctionsAppOptions): Hono {
  installDenoShim();
  resolveNpmSpecifiers();
  const settings = options.settings ?? loadProjectConfig().functions;
  const reportError = options.onFunctionError ?? ((name, error) => console.error(`Edge Function "${name}" failed:`, error));

  const relay = async (c: Context): Promise<Response> => {
    const name = c.req.param("name") ?? "";
    const entry = path.join(options.functionsDir, name, "index.ts");
    if (!FUNCTION_NAME.test(name) || !existsSync(entry)) return answer(c, RELAY_ERRORS.notFound);

    if (settings[name]?.verify_jwt !== false) {
      const refusal = await jwtRefusal(c.req.header("authorization"), options.jwtSecret);
      if (refusal) return answer(c, refusal);
    }

    let fn;
    try {
      fn = await loadFunction(pathToFileURL(entry).href, options.env);
    } catch (error) {
      reportError(name, error);
      return answer(c, RELAY_ERRORS.bootError);
    }
    try {
      return await invokeFunction(fn, requestAsFunctionSeesIt(c), options.env);
    } catch (error) {
      reportError(name, error);
      return answer(c, RELAY_ERRORS.workerError);
    }
  };

  const app = new Hono();
  app.all("/:name", relay);
  app.all("/:name/*", relay);
  return app;
}

function answer(c: Context, { status, body }: RelayError): Response {
  return c.json(body, status);
}

/** Any JWT this project signed (an API key or a user's token) passes, as at the hosted relay. */
async function jwtRefusal(authorization: string | undefined, jwtSecret: string): Promise<RelayError | undefined> {
  const token = bearerToken(authorization);
  if (token === undefined) return RELAY_ERRORS.noAuthHeader;
  try {
    await verifySupabaseJwt(token, jwtSecret);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidTokenError) return RELAY_ERRORS.invalidJwt;
    throw error;
  }
}

/** On Supabase a function sees its own path, `/<name>/...`, under the project's origin. */
function requestAsFunctionSeesIt(c: Context): Request {
  const url = new URL(c.req.url);
  const functionPath = url.pathname.slice(basePath(c).length);
  const request = c.req.raw;
  return new Request(new URL(functionPath + url.search, url.origin), {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    duplex: "half",
  } as RequestInit);
}
