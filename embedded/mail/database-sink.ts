// The mail sink: every message is a row in local_mail.messages instead of an SMTP delivery.
import type postgres from "postgres";
import type { MailKind, MailMessage, Mailer } from "./index.ts";

interface MessageRow {
  id: number;
  sent_at: Date;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  kind: MailKind;
  action_link: string | null;
  otp: string | null;
}

export function createDatabaseMailSink(sql: postgres.Sql): Mailer {
  return {
    async send(message) {
      await sql`
        insert into local_mail.messages (to_address, subject, text_body, html_body, kind, action_link, otp)
        values (${message.to}, ${message.subject}, ${message.text}, ${message.html ?? null}, ${message.kind},
                ${message.actionLink ?? null}, ${message.otp ?? null})`;
    },
    describe: () => "mail sink: table local_mail.messages (npm run admin -- mail)",
  };
}

/** Messages in the sink, newest first; `to` matches the address case-insensitively. */
export async function readMail(
  sql: postgres.Sql,
  filter: { to?: string; limit?: number } = {},
): Promise<Array<MailMessage & { id: number; sentAt: Date }>> {
  const rows = await sql<MessageRow[]>`
    select id, sent_at, to_address, subject, text_body, html_body, kind, action_link, otp
    from local_mail.messages
    where ${filter.to === undefined ? sql`true` : sql`lower(to_address) = lower(${filter.to})`}
    order by id desc
    limit ${filter.limit ?? 100}`;
  return rows.map((row) => ({
    id: Number(row.id),
    sentAt: row.sent_at,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    kind: row.kind,
    ...(row.html_body === null ? {} : { html: row.html_body }),
    ...(row.action_link === null ? {} : { actionLink: row.action_link }),
    ...(row.otp === null ? {} : { otp: row.otp }),
  }));
}
