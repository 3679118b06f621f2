// The `when` of DELETE …?when= and bulk-delete (contract R22, R35, R37): `now` purges at once,
// `<positive integer><m|h|d>` soft-deletes and purges after that delay. Missing means 7 days.
export const DEFAULT_WHEN = "7d";

const UNIT_SECONDS = { m: 60, h: 3600, d: 86_400 } as const;
export const WHEN_PATTERN = /^(now|[1-9][0-9]{0,5}[mhd])$/;

/** Seconds until the purge; 0 for `now`. The input must match WHEN_PATTERN. */
export function purgeDelaySeconds(when: string): number {
  if (when === "now") return 0;
  const unit = when.slice(-1) as keyof typeof UNIT_SECONDS;
  return Number(when.slice(0, -1)) * UNIT_SECONDS[unit];
}
