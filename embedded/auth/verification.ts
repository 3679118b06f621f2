// Redeeming an e-mailed one-time token (GoTrue's /verify): find the user holding its hash, check
// its age, apply what it confirms, and sign the user in. Used by POST and GET /verify alike.
import { recordAudit, userActor } from "./audit.ts";
import type { AuthServices, ClientInfo } from "./context.ts";
import { ERRORS } from "./errors.ts";
import { isExpired } from "./one-time-tokens.ts";
import { startSession, type SessionResponse } from "./sessions.ts";
import {
  acceptEmailChangeHalf,
  clearRecoveryToken,
  completeEmailChange,
  confirmEmail,
  findUserByTokenForUpdate,
  isBanned,
  type TokenColumn,
  type UserRow,
} from "./users.ts";

export const VERIFY_TYPES = ["signup", "invite", "recovery", "magiclink", "email_change", "email"] as const;
export type VerifyType = (typeof VERIFY_TYPES)[number];

export function isVerifyType(type: string): type is VerifyType {
  return (VERIFY_TYPES as readonly string[]).includes(type);
}

/** Which columns hold each type's token, and which timestamp dates it. */
const TOKEN_COLUMNS: Record<VerifyType, TokenColumn[]> = {
  signup: ["confirmation_token"],
  invite: ["confirmation_token"],
  recovery: ["recovery_token"],
  magiclink: ["recovery_token"],
  email_change: ["email_change_token_current", "email_change_token_new"],
  // A code typed from a mail: whichever was sent, a confirmation or a sign-in (magic link) code.
  email: ["confirmation_token", "recovery_token"],
};

const SENT_AT: Record<TokenColumn, keyof UserRow> = {
  confirmation_token: "confirmation_sent_at",
  recovery_token: "recovery_sent_at",
  email_change_token_current: "email_change_sent_at",
  email_change_token_new: "email_change_sent_at",
};

export const HALF_CONFIRMED_MESSAGE =
  "Confirmation link accepted. Please proceed to confirm link sent to the other email";

export type VerifyOutcome =
  | { signedIn: SessionResponse; type: VerifyType }
  /** First of two e-mail change confirmations: no session yet. */
  | { halfConfirmed: true };

export interface VerifyRequest {
  type: VerifyType;
  tokenHash: string;
  /** GoTrue words the failure differently for links (token hash) and typed codes. */
  failure: "Email link is invalid or has expired" | "Token has expired or is invalid";
  client: ClientInfo;
}

export function verifyOneTimeToken(services: AuthServices, request: VerifyRequest): Promise<VerifyOutcome> {
  return services.sql.begin(async (tx) => {
    const user = await findUserByTokenForUpdate(tx, TOKEN_COLUMNS[request.type], request.tokenHash);
    if (!user) throw ERRORS.otpExpired(request.failure);
    if (isBanned(user)) throw ERRORS.userBanned();
    const column = TOKEN_COLUMNS[request.type].find((candidate) => user[candidate] === request.tokenHash)!;
    if (isExpired(user[SENT_AT[column]] as Date | null, services.settings.email.otp_expiry)) {
      throw ERRORS.otpExpired(request.failure);
    }
    const typedCodeType = column === "confirmation_token" ? "signup" : "magiclink";
    const type: VerifyType = request.type === "email" ? typedCodeType : request.type;
    const audit = (action: "user_signedup" | "login" | "user_modified") =>
      recordAudit(tx, userActor(user), action, {
        ip: request.client.ip,
        traits: action === "user_signedup" ? { provider: "email" } : undefined,
      });

    switch (type) {
      case "signup":
      case "invite":
        await audit("user_signedup");
        await confirmEmail(tx, user.id);
        break;
      case "recovery":
      case "magiclink":
        await clearRecoveryToken(tx, user.id);
        if (user.email_confirmed_at) {
          await audit("login");
        } else {
          // Receiving the mail proves the address as well as a confirmation would.
          await audit("user_signedup");
          await confirmEmail(tx, user.id);
        }
        break;
      case "email_change":
        if (!user.email_change) throw ERRORS.otpExpired(request.failure);
        if (needsSecondConfirmation(services, user)) {
          await acceptEmailChangeHalf(tx, user.id, column);
          return { halfConfirmed: true } as const;
        }
        await audit("user_modified");
        await completeEmailChange(tx, user);
        break;
    }
    return { signedIn: await startSession(tx, services, user.id, "otp", request.client), type };
  });
}

/** With double_confirm_changes both the current and the new address must confirm. */
function needsSecondConfirmation(services: AuthServices, user: UserRow): boolean {
  const { enable_confirmations, double_confirm_changes } = services.settings.email;
  return enable_confirmations && double_confirm_changes && user.email_change_confirm_status === 0 && Boolean(user.email);
}
