// Outgoing e-mail of the embedded Auth server. With an SMTP URL the messages really go out (through
// nodemailer); without one they land in the mail sink table local_mail.messages, where tests and
// `npm run admin -- mail` read them, as Supabase's local stack catches them in Inbucket/Mailpit.
import type postgres from "postgres";
import { createDatabaseMailSink } from "./database-sink.ts";
import { createSmtpMailer } from "./smtp.ts";

export type MailKind = "signup" | "recovery" | "email_change" | "magiclink" | "invite";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  kind: MailKind;
  /** The verification link in the message, so readers need not parse the body. */
  actionLink?: string;
  /** The one-time code in the message. */
  otp?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Where messages go, for the start-up banner. */
  describe(): string;
}

export function createMailer(options: { sql: postgres.Sql; smtpUrl?: string; from?: string }): Mailer {
  return options.smtpUrl ? createSmtpMailer(options.smtpUrl, options.from) : createDatabaseMailSink(options.sql);
}

export { readMail } from "./database-sink.ts";
