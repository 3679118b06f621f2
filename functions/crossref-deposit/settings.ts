// The function's settings: Crossref's (functions/_shared/crossref, CROSSREF_*) plus how long to
// wait for Crossref and between polls (./env-names.ts).
import { z } from "npm:zod@4";
import { crossrefConfigFromEnv, resultPollDelayMs, type CrossrefConfig } from "../_shared/crossref/index.ts";
import { DEPOSIT_TIMING_ENV } from "./env-names.ts";

export interface DepositSettings {
  crossref: CrossrefConfig;
  timeoutMs?: number;
  /** The wait before poll number `attempt + 1`. */
  pollDelayMs: (attempt: number) => number;
}

const milliseconds = z.coerce.number().int().positive().optional();

/** Throws CrossrefConfigError (naming the variables, never their values) while Crossref is unset. */
export function depositSettingsFromEnv(read: (name: string) => string | undefined): DepositSettings {
  const crossref = crossrefConfigFromEnv(read);
  const timeoutMs = milliseconds.parse(read(DEPOSIT_TIMING_ENV.timeoutMs) || undefined);
  const fixedPollDelay = milliseconds.parse(read(DEPOSIT_TIMING_ENV.pollDelayMs) || undefined);
  return {
    crossref,
    timeoutMs,
    pollDelayMs: (attempt) => fixedPollDelay ?? resultPollDelayMs(attempt),
  };
}
