// E-mailed one-time tokens as GoTrue makes them: a numeric code for the user to type, and the
// hex sha224 of address + code, which is what the database keeps and what e-mail links carry.
import { createHash, randomInt } from "node:crypto";

export interface OneTimeToken {
  otp: string;
  hash: string;
}

export function tokenHash(address: string, otp: string): string {
  return createHash("sha224").update(address + otp).digest("hex");
}

export function newOneTimeToken(address: string, length: number): OneTimeToken {
  const otp = Array.from({ length }, () => randomInt(10)).join("");
  return { otp, hash: tokenHash(address, otp) };
}

export function isExpired(sentAt: Date | null, expirySeconds: number): boolean {
  return sentAt === null || Date.now() > sentAt.getTime() + expirySeconds * 1000;
}

/**
 * GoTrue's per-address resend limit: a new message of the same kind only after max_frequency.
 * Returns the whole seconds still to wait, or 0.
 */
export function secondsUntilResendAllowed(sentAt: Date | null, maxFrequencySeconds: number): number {
  if (sentAt === null) return 0;
  const waitMs = sentAt.getTime() + maxFrequencySeconds * 1000 - Date.now();
  return waitMs > 0 ? Math.max(1, Math.floor(waitMs / 1000)) : 0;
}
