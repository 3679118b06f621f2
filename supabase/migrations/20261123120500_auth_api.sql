-- What the /v1 auth routes need from the database: effective logout, and an organization for every
-- user who verifies their own address.

-- ---------------------------------------------------------------- sessions

-- The gateway verifies access tokens by signature, so a token would outlive its logout until `exp`.
-- Supabase Auth deletes the session row on logout (and on a password change, for the other
-- sessions), so asking whether the token's session still exists makes logout take effect at once.
-- The API roles cannot read auth.sessions; the gateway's login role asks through this function.
create or replace function private.session_is_active(p_session_id uuid, p_user_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from auth.sessions s
    where s.id = p_session_id
      and s.user_id = p_user_id
      and (s.not_after is null or s.not_after > now()))
$$;
comment on function private.session_is_active(uuid, uuid) is
  'True while the Auth session a user token names still exists (not logged out, not timed out). Used by the gateway for every user token.';
revoke all on function private.session_is_active(uuid, uuid) from public;
-- `authenticator` is the gateway's login role (embedded); hosted gateways connect as postgres.
grant usage on schema private to authenticator;
grant execute on function private.session_is_active(uuid, uuid) to authenticator, service_role;

-- ---------------------------------------------------------------- personal organization

-- The NDI clients refuse a login whose user belongs to no organization (contract R1), and a new
-- user's first organization is where their datasets go. So whoever confirms their own e-mail address
-- (the code from POST /auth/verify or the link in the mail) and belongs to none yet gets a personal
-- organization they own. Hosted Auth inserts admin-created users already confirmed, so they get none
-- (the admin places them); the embedded Auth server confirms them by a second statement, so there
-- they get one too.
create or replace function private.create_personal_organization() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  display_name text;
begin
  if exists (select 1 from public.organization_members m where m.user_id = new.id) then
    return new;
  end if;
  select coalesce(nullif(pg_catalog.btrim(p.name), ''), pg_catalog.split_part(new.email, '@', 1))
    into display_name
    from public.profiles p where p.id = new.id;
  -- created_by makes the user its owner (trigger add_creator_as_owner).
  insert into public.organizations (name, created_by)
  values (coalesce(display_name, 'My') || '''s organization', new.id);
  return new;
end
$$;
comment on function private.create_personal_organization() is
  'Trigger on auth.users: a user who confirms their e-mail address and belongs to no organization gets one they own.';
revoke all on function private.create_personal_organization() from public;

create trigger on_auth_user_email_confirmed
  after update of email_confirmed_at on auth.users
  for each row
  when (old.email_confirmed_at is null and new.email_confirmed_at is not null)
  execute function private.create_personal_organization();
