// E-mails with one-time tokens: make the token, keep its hash on the user row, send link + code.
// Runs inside the caller's transaction with the send last, so a failed send undoes the request.
import type postgres from "postgres";
import type { MailKind } from "../mail/index.ts";
import type { AuthServices } from "./context.ts";
import { ERRORS } from "./errors.ts";
import { composeMail } from "./mail-templates.ts";
import { newOneTimeToken, secondsUntilResendAllowed, type OneTimeToken } from "./one-time-tokens.ts";
import { storeConfirmationToken, storeEmailChange, storeRecoveryToken, type UserRow } from "./users.ts";

type Tx = postgres.TransactionSql;

/** The `type` a verification link carries: one per kind of mail (generate_link's email_change_* are email_change). */
export type LinkType = MailKind;

export function actionLink(services: AuthServices, tokenHash: string, type: LinkType, redirectTo: string): string {
  const query = `token=${encodeURIComponent(tokenHash)}&type=${type}&redirect_to=${encodeURIComponent(redirectTo)}`;
  return `${services.externalUrl}/verify?${query}`;
}

export function newToken(services: AuthServices, address: string): OneTimeToken {
  return newOneTimeToken(address, services.settings.email.otp_length);
}

/** 429 over_email_send_rate_limit while the last message of this kind is younger than max_frequency. */
function enforceSendFrequency(services: AuthServices, lastSentAt: Date | null): void {
  const wait = secondsUntilResendAllowed(lastSentAt, services.settings.email.max_frequency);
  if (wait > 0) throw ERRORS.overEmailSendRateLimit(wait);
}

async function mailToken(services: AuthServices, kind: LinkType, to: string, token: OneTimeToken, redirectTo: string) {
  await services.mailer.send(
    composeMail(kind, { to, otp: token.otp, actionLink: actionLink(services, token.hash, kind, redirectTo) }),
  );
}

export async function sendConfirmation(tx: Tx, services: AuthServices, user: UserRow, redirectTo: string) {
  enforceSendFrequency(services, user.confirmation_sent_at);
  const token = newToken(services, user.email!);
  await storeConfirmationToken(tx, user.id, token.hash);
  await mailToken(services, "signup", user.email!, token, redirectTo);
}

export async function sendInvite(tx: Tx, services: AuthServices, user: UserRow, redirectTo: string) {
  const token = newToken(services, user.email!);
  await storeConfirmationToken(tx, user.id, token.hash, { invited: true });
  await mailToken(services, "invite", user.email!, token, redirectTo);
}

export async function sendRecovery(tx: Tx, services: AuthServices, user: UserRow, redirectTo: string) {
  enforceSendFrequency(services, user.recovery_sent_at);
  const token = newToken(services, user.email!);
  await storeRecoveryToken(tx, user.id, token.hash);
  await mailToken(services, "recovery", user.email!, token, redirectTo);
}

/**
 * A link and code to the new address and, with double_confirm_changes, another pair to the current
 * one: the change happens once both are confirmed.
 */
export async function sendEmailChange(tx: Tx, services: AuthServices, user: UserRow, newEmail: string, redirectTo: string) {
  enforceSendFrequency(services, user.email_change_sent_at);
  const toNew = newToken(services, newEmail);
  const toCurrent = services.settings.email.double_confirm_changes && user.email ? newToken(services, user.email) : undefined;
  await storeEmailChange(tx, user.id, {
    newEmail,
    newAddressToken: toNew.hash,
    currentAddressToken: toCurrent?.hash ?? "",
  });
  const recipients: Array<[string, OneTimeToken]> = [[newEmail, toNew]];
  if (toCurrent) recipients.push([user.email!, toCurrent]);
  for (const [to, token] of recipients) {
    const link = actionLink(services, token.hash, "email_change", redirectTo);
    await services.mailer.send(
      composeMail("email_change", { to, otp: token.otp, actionLink: link, currentEmail: user.email ?? "", newEmail }),
    );
  }
}
