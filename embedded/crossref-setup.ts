// Which Crossref the embedded stack's crossref-deposit function talks to: the real one when
// CROSSREF_USERNAME is set in the environment (every CROSSREF_* variable is passed on), else the
// local test double (embedded/crossref) served at /crossref on the Supabase origin, with
// credentials made up for this run and quick polling, so a publish ends in a registered DOI.
import { randomBytes } from "node:crypto";
import { CROSSREF_ENV } from "../functions/_shared/crossref/env-names.ts";
import { DEPOSIT_TIMING_ENV } from "../functions/crossref-deposit/env-names.ts";
import { createCrossrefDouble, crossrefDoubleEnv, type CrossrefDouble, type CrossrefDoubleOptions } from "./crossref/index.ts";

export const CROSSREF_DOUBLE_PATH = "/crossref";

export interface CrossrefSetup {
  /** Served at CROSSREF_DOUBLE_PATH on the Supabase origin. */
  double?: CrossrefDouble;
  /** The crossref-deposit function's settings, given the Supabase origin. */
  env: (supabaseOrigin: string) => Record<string, string>;
}

/** The test double, answering at once; `env` overrides or adds settings (e.g. timings). */
export function localCrossrefDouble(
  options: Partial<CrossrefDoubleOptions> = {},
  env: Record<string, string> = {},
): CrossrefSetup {
  const credentials = { username: options.username ?? "ndi-local", password: options.password ?? randomBytes(12).toString("base64url") };
  return {
    double: createCrossrefDouble({ ...options, ...credentials }),
    env: (origin) => ({
      ...crossrefDoubleEnv(`${origin}${CROSSREF_DOUBLE_PATH}`, credentials),
      [DEPOSIT_TIMING_ENV.pollDelayMs]: "1000",
      [DEPOSIT_TIMING_ENV.timeoutMs]: "10000",
      ...env,
    }),
  };
}

/** The CROSSREF_* settings of `processEnv`, or undefined when no Crossref account is configured. */
export function crossrefFromEnvironment(processEnv: NodeJS.ProcessEnv): CrossrefSetup | undefined {
  if (!processEnv[CROSSREF_ENV.username]) return undefined;
  const names = [...Object.values(CROSSREF_ENV), ...Object.values(DEPOSIT_TIMING_ENV)];
  const env = Object.fromEntries(names.flatMap((name) => (processEnv[name] ? [[name, processEnv[name]]] : [])));
  return { env: () => env };
}

/** One line for people: where deposits go. */
export function describeCrossref(setup: CrossrefSetup | undefined, supabaseOrigin: string): string {
  if (!setup) return "not configured (DOIs stay pending; set CROSSREF_USERNAME, CROSSREF_PASSWORD, CROSSREF_DEPOSITOR_EMAIL)";
  if (setup.double) return `local test double at ${supabaseOrigin}${CROSSREF_DOUBLE_PATH} (set CROSSREF_USERNAME etc. for Crossref)`;
  return setup.env(supabaseOrigin)[CROSSREF_ENV.depositUrl] ?? "Crossref's test system (https://test.crossref.org)";
}
