// Passwords: bcrypt hashes (GoTrue's format, readable by a hosted project after export) and
// GoTrue's strength rules from [auth] minimum_password_length / password_requirements.
import bcrypt from "bcryptjs";
import { ERRORS } from "./errors.ts";

const BCRYPT_COST = 10;
/** bcrypt ignores everything after 72 bytes, so GoTrue refuses longer passwords. */
const MAX_PASSWORD_BYTES = 72;

// Compared against when there is no user (or no password), so that a wrong password and an
// unknown e-mail cost the same bcrypt work and cannot be told apart by timing.
const DUMMY_HASH = bcrypt.hashSync("not a password anyone has", BCRYPT_COST);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

/** True only when `hash` is a bcrypt hash of `password`; always does one bcrypt comparison. */
export async function passwordMatches(password: string, hash: string | null | undefined): Promise<boolean> {
  const matches = await bcrypt.compare(password, hash || DUMMY_HASH);
  return matches && Boolean(hash);
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const SYMBOLS = "!@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~";

// The supabase CLI's names for GoTrue's required character sets.
const REQUIRED_CHARACTERS: Record<string, string[]> = {
  "": [],
  letters_digits: [LOWER + UPPER, DIGITS],
  lower_upper_letters_digits: [LOWER, UPPER, DIGITS],
  lower_upper_letters_digits_symbols: [LOWER, UPPER, DIGITS, SYMBOLS],
};

export interface PasswordRules {
  minimum_password_length: number;
  password_requirements: string;
}

/** Throws validation_failed (too long) or weak_password with GoTrue's messages and reasons. */
export function checkPasswordStrength(password: string, rules: PasswordRules): void {
  const bytes = Buffer.byteLength(password);
  if (bytes > MAX_PASSWORD_BYTES) {
    throw ERRORS.validation(`Password cannot be longer than ${MAX_PASSWORD_BYTES} characters`);
  }
  const reasons: string[] = [];
  const messages: string[] = [];
  if (bytes < rules.minimum_password_length) {
    reasons.push("length");
    messages.push(`Password should be at least ${rules.minimum_password_length} characters.`);
  }
  const sets = REQUIRED_CHARACTERS[rules.password_requirements];
  if (sets === undefined) throw new Error(`unknown password_requirements: ${rules.password_requirements}`);
  if (sets.some((set) => ![...set].some((character) => password.includes(character)))) {
    reasons.push("characters");
    messages.push(`Password should contain at least one character of each: ${sets.join(", ")}.`);
  }
  if (reasons.length > 0) throw ERRORS.weakPassword(messages.join(" "), reasons);
}
