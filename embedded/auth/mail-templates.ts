// The messages the Auth server sends, with GoTrue's default subjects. Each carries both the link
// and the code, so the user may click or type.
import type { MailKind, MailMessage } from "../mail/index.ts";

export interface MailContent {
  to: string;
  actionLink: string;
  otp: string;
  /** For email_change: the address being changed from and to. */
  currentEmail?: string;
  newEmail?: string;
}

interface Template {
  subject: string;
  heading: string;
  intro: (content: MailContent) => string;
  action: string;
}

const TEMPLATES: Record<MailKind, Template> = {
  signup: {
    subject: "Confirm your email address",
    heading: "Confirm your sign-up",
    intro: () => "Open this link to confirm your e-mail address:",
    action: "Confirm my e-mail address",
  },
  invite: {
    subject: "You've been invited",
    heading: "You have been invited",
    intro: () => "You have been invited to create an account. Open this link to accept the invitation:",
    action: "Accept the invitation",
  },
  recovery: {
    subject: "Reset your password",
    heading: "Reset your password",
    intro: () => "Open this link to choose a new password:",
    action: "Reset my password",
  },
  magiclink: {
    subject: "Your sign-in link",
    heading: "Sign in",
    intro: () => "Open this link to sign in:",
    action: "Sign in",
  },
  email_change: {
    subject: "Confirm your new email address",
    heading: "Confirm the change of your e-mail address",
    intro: ({ currentEmail, newEmail }) =>
      `Open this link to confirm changing your e-mail address from ${currentEmail} to ${newEmail}:`,
    action: "Confirm the change",
  },
};

export function composeMail(kind: MailKind, content: MailContent): MailMessage {
  const template = TEMPLATES[kind];
  const intro = template.intro(content);
  const codeLine = `Or enter this code: ${content.otp}`;
  return {
    to: content.to,
    subject: template.subject,
    kind,
    actionLink: content.actionLink,
    otp: content.otp,
    text: `${template.heading}\n\n${intro}\n${content.actionLink}\n\n${codeLine}\n`,
    html:
      `<h2>${escapeHtml(template.heading)}</h2>\n<p>${escapeHtml(intro)}</p>\n` +
      `<p><a href="${escapeHtml(content.actionLink)}">${escapeHtml(template.action)}</a></p>\n<p>${escapeHtml(codeLine)}</p>\n`,
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
