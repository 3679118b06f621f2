// Crossref settings from the environment (Edge Function secrets; `npm start` points them at the
// local test double). Credentials live only here, never in the database. Outside production the
// endpoint defaults to Crossref's test system, so a forgotten variable cannot mint real DOIs.
import { z } from "npm:zod@4";
import { NDI_DOI_PREFIX } from "./doi.ts";
import { CROSSREF_ENV } from "./env-names.ts";
import { CrossrefConfigError } from "./errors.ts";

export const CROSSREF_TEST_DEPOSIT_URL = "https://test.crossref.org/servlet/deposit";
export const CROSSREF_PRODUCTION_DEPOSIT_URL = "https://doi.crossref.org/servlet/deposit";
export const NDI_LANDING_PAGE_BASE = "https://www.ndi-cloud.com/datasets/";
const NDI_ORGANIZATION = "Waltham Data Science LLC";

export interface CrossrefEndpoint {
  depositUrl: string;
  resultUrl: string;
  username: string;
  password: string;
}

export interface CrossrefConfig {
  endpoint: CrossrefEndpoint;
  depositor: { name: string; email: string };
  registrant: string;
  doiPrefix: string;
  landingPageBase: string;
}

const httpUrl = z.url({ protocol: /^https?$/ });

const envSchema = z.object({
  [CROSSREF_ENV.depositUrl]: httpUrl.default(CROSSREF_TEST_DEPOSIT_URL),
  [CROSSREF_ENV.resultUrl]: httpUrl.optional(),
  [CROSSREF_ENV.username]: z.string().min(1),
  [CROSSREF_ENV.password]: z.string().min(1),
  [CROSSREF_ENV.depositorName]: z.string().trim().min(1).max(130).default(NDI_ORGANIZATION),
  [CROSSREF_ENV.depositorEmail]: z.email().min(6).max(200),
  [CROSSREF_ENV.registrant]: z.string().trim().min(1).max(255).default(NDI_ORGANIZATION),
  [CROSSREF_ENV.doiPrefix]: z
    .string()
    .regex(/^10\.[0-9]{4,9}$/)
    .default(NDI_DOI_PREFIX),
  [CROSSREF_ENV.landingPageBase]: httpUrl.default(NDI_LANDING_PAGE_BASE),
});

/** The submission log servlet next to a deposit servlet (`…/servlet/submissionDownload`). */
export function submissionDownloadUrl(depositUrl: string): string {
  return new URL("submissionDownload", depositUrl).toString();
}

/**
 * Reads the settings, e.g. `crossrefConfigFromEnv((name) => Deno.env.get(name))`. Empty values
 * count as unset. Errors name the variables, never their values.
 */
export function crossrefConfigFromEnv(read: (name: string) => string | undefined): CrossrefConfig {
  const values = Object.fromEntries(Object.values(CROSSREF_ENV).map((name) => [name, read(name)?.trim() || undefined]));
  const parsed = envSchema.safeParse(values);
  if (!parsed.success) {
    throw new CrossrefConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} is missing or invalid`));
  }
  const env = parsed.data;
  const depositUrl = env[CROSSREF_ENV.depositUrl];
  return {
    endpoint: {
      depositUrl,
      resultUrl: env[CROSSREF_ENV.resultUrl] ?? submissionDownloadUrl(depositUrl),
      username: env[CROSSREF_ENV.username],
      password: env[CROSSREF_ENV.password],
    },
    depositor: { name: env[CROSSREF_ENV.depositorName], email: env[CROSSREF_ENV.depositorEmail] },
    registrant: env[CROSSREF_ENV.registrant],
    doiPrefix: env[CROSSREF_ENV.doiPrefix],
    landingPageBase: env[CROSSREF_ENV.landingPageBase],
  };
}
