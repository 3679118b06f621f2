// mail: the embedded stack's mail sink (hosted projects send real e-mail through their SMTP).
import { readMail } from "../../embedded/mail/index.ts";
import { UsageError, type AdminCommand } from "./command.ts";

export const mail: AdminCommand = {
  usage: "mail [--to E] [--limit N]",
  summary: "show the newest messages in the local mail sink (confirmation and recovery links)",
  options: { to: { type: "string" }, limit: { type: "string", default: "10" } },
  async run(context, { values }) {
    if (context.mode !== "embedded") throw new UsageError("the mail sink exists only in the embedded stack");
    const limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit must be a positive whole number");
    const messages = await readMail(context.sql, { to: typeof values.to === "string" ? values.to : undefined, limit });
    for (const message of messages) {
      console.log(`#${message.id}  ${message.sentAt.toISOString()}  to ${message.to}  [${message.kind}]  ${message.subject}`);
      if (message.actionLink) console.log(`    link: ${message.actionLink}`);
      if (message.otp) console.log(`    code: ${message.otp}`);
    }
    if (messages.length === 0) console.log("no messages");
  },
};
