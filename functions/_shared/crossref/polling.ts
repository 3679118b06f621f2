// How often to ask Crossref for a submission log: most deposits are processed within minutes,
// very large ones can take a day or two (Crossref's guidance), so polls thin out over time.

const DELAYS_SECONDS = [30, 30, 60, 60, 120, 300, 600, 1800] as const;

/** The wait before poll number `attempt + 1` (attempt 0 is the first poll after the deposit). */
export function resultPollDelayMs(attempt: number): number {
  const index = Math.min(Math.max(0, Math.floor(attempt)), DELAYS_SECONDS.length - 1);
  return DELAYS_SECONDS[index]! * 1000;
}

/** After this long without a final log, a deposit is failed for an admin to look at. */
export const RESULT_POLL_DEADLINE_MS = 3 * 24 * 60 * 60 * 1000;
