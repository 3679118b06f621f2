// Real delivery through an SMTP server, e.g. smtp://user:pass@smtp.example.org:587.
import nodemailer from "nodemailer";
import type { Mailer } from "./index.ts";

const DEFAULT_FROM = "NDI Cloud <noreply@localhost>";

export function createSmtpMailer(smtpUrl: string, from = DEFAULT_FROM): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    describe: () => `SMTP ${withoutCredentials(smtpUrl)}`,
  };
}

/** The URL for display: the password (and user) must not end up in logs or banners. */
function withoutCredentials(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  url.username = "";
  url.password = "";
  return url.toString().replace(/\/$/, "");
}
