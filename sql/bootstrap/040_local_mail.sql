-- Embedded mode only: the mail sink. Without SMTP configured, the local Auth server stores every
-- message it would send here (Supabase's local stack uses an Inbucket/Mailpit container instead).
-- Read it with `npm run admin -- mail [--to E]`. No API role can see it.

create schema if not exists local_mail;
revoke all on schema local_mail from public;

create table if not exists local_mail.messages (
  id bigint generated always as identity primary key,
  sent_at timestamptz not null default now(),
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text,
  -- signup | recovery | email_change | magiclink | invite
  kind text not null,
  -- The action link and one-time code, so tests and the admin CLI need not parse the body.
  action_link text,
  otp text
);
create index if not exists messages_to_address_idx on local_mail.messages (lower(to_address), sent_at desc);
comment on table local_mail.messages is 'Embedded mode mail sink: messages the local Auth server would have sent by SMTP.';
