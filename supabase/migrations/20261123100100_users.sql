-- Users: who is calling, their profile, and who is a platform admin.
--
-- Users stay Supabase Auth users (auth.users, uuid ids); the API exposes that uuid as the user's
-- `id` (the clients read it as an opaque string). Every policy asks private.current_user_id()
-- rather than auth.uid(): for API requests both are the JWT's `sub`, but in an analyst's own SQL
-- session the user comes from public.analyst_logins and claims are ignored, because anybody with
-- a SQL prompt can set request.jwt.claims to anything.

-- ---------------------------------------------------------------- tables

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  name text not null default '',
  email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.profiles is
  'One row per Supabase Auth user, created by a trigger on auth.users. What the API shows as a user.';
comment on column public.profiles.id is 'The auth.users id; the API''s user `id`.';
comment on column public.profiles.name is 'Display name; from the sign-up metadata `name`, editable by the user.';
comment on column public.profiles.email is 'Copy of auth.users.email, kept in sync by a trigger; not editable here.';
comment on column public.profiles.created_at is 'When the user signed up.';
comment on column public.profiles.updated_at is 'Last change of this row.';

create table public.platform_admins (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  granted_at timestamptz not null default now(),
  note text
);
comment on table public.platform_admins is
  'Platform administrators (the API''s `isAdmin`): they hold every role in every organization. Only the service role writes this table; never derived from client-writable user_metadata.';
comment on column public.platform_admins.user_id is 'The admin''s user id.';
comment on column public.platform_admins.granted_at is 'When the flag was granted.';
comment on column public.platform_admins.note is 'Why or by whom it was granted (free text).';

create table public.analyst_logins (
  role_name text primary key check (role_name ~ '^ndi_analyst_[0-9a-f]{32}$'),
  user_id uuid not null unique references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  password_set_at timestamptz not null default now()
);
comment on table public.analyst_logins is
  'Postgres LOGIN roles for analysts, each mapped to the user whose rows it may read. Written only by public.grant_analyst_login / revoke_analyst_login (service role).';
comment on column public.analyst_logins.role_name is 'The LOGIN role (member of ndi_analyst) an analyst connects as.';
comment on column public.analyst_logins.user_id is 'The user whose view of the data this login gets.';
comment on column public.analyst_logins.created_at is 'When the login was first granted.';
comment on column public.analyst_logins.password_set_at is 'When its password was last (re)generated.';

-- ---------------------------------------------------------------- who is calling

-- An analyst session is one whose *session* user (the login role; SET ROLE cannot change it) is a
-- direct member of ndi_analyst or is mapped in analyst_logins. pg_has_role() is not used because
-- it is true for superusers, and the embedded gateway connects as one.
create or replace function private.is_analyst_session() returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.analyst_logins a where a.role_name = session_user::text)
      or exists (
        select 1
        from pg_catalog.pg_auth_members m
        join pg_catalog.pg_roles member on member.oid = m.member
        join pg_catalog.pg_roles grp on grp.oid = m.roleid
        where member.rolname = session_user and grp.rolname = 'ndi_analyst')
$$;
comment on function private.is_analyst_session() is
  'True when the connection logged in as an analyst role; such sessions never take identity from JWT claims.';

create or replace function private.current_user_id() returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when private.is_analyst_session()
      then (select a.user_id from public.analyst_logins a where a.role_name = session_user::text)
    else auth.uid()
  end
$$;
comment on function private.current_user_id() is
  'The user the current statement acts for: the analyst''s mapped user in an analyst session (claims ignored), else auth.uid() from the verified JWT. NULL for anon.';

create or replace function private.is_platform_admin() returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.platform_admins p where p.user_id = private.current_user_id())
$$;
comment on function private.is_platform_admin() is 'True when the current user is a platform admin.';

revoke all on function private.is_analyst_session(), private.current_user_id(), private.is_platform_admin() from public;
grant execute on function private.is_analyst_session(), private.current_user_id(), private.is_platform_admin()
  to anon, authenticated, service_role, ndi_analyst;

-- ---------------------------------------------------------------- profiles follow auth.users

create or replace function private.create_profile_for_new_user() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, name, email)
  values (
    new.id,
    coalesce(nullif(pg_catalog.btrim(new.raw_user_meta_data ->> 'name'), ''), pg_catalog.split_part(new.email, '@', 1), ''),
    new.email)
  on conflict (id) do nothing;
  return new;
end
$$;
comment on function private.create_profile_for_new_user() is
  'Trigger on auth.users: every new user gets a profile (name from the sign-up metadata `name`).';
revoke all on function private.create_profile_for_new_user() from public;

create or replace function private.sync_profile_email() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.profiles set email = new.email where id = new.id and email is distinct from new.email;
  return new;
end
$$;
comment on function private.sync_profile_email() is 'Trigger on auth.users: keeps profiles.email equal to the auth e-mail.';
revoke all on function private.sync_profile_email() from public;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.create_profile_for_new_user();
create trigger on_auth_user_email_changed
  after update of email on auth.users
  for each row execute function private.sync_profile_email();

-- Users that existed before this migration (a project being adopted) get their profile too.
insert into public.profiles (id, name, email)
select u.id,
       coalesce(nullif(btrim(u.raw_user_meta_data ->> 'name'), ''), split_part(u.email, '@', 1), ''),
       u.email
from auth.users u
on conflict (id) do nothing;

create trigger set_timestamps before insert or update on public.profiles
  for each row execute function private.set_timestamps();

-- ---------------------------------------------------------------- privileges and policies

alter table public.profiles enable row level security;
alter table public.platform_admins enable row level security;
alter table public.analyst_logins enable row level security;

revoke all on public.profiles, public.platform_admins, public.analyst_logins from anon, authenticated;
-- Column privilege: a user can change their own name and nothing else (email follows auth.users).
grant select, update (name) on public.profiles to authenticated;
grant select on public.platform_admins, public.analyst_logins to authenticated;
grant select on public.profiles, public.platform_admins, public.analyst_logins to ndi_analyst;
grant all on public.profiles, public.platform_admins, public.analyst_logins to service_role;

create policy "Users can see their own profile" on public.profiles
  for select to authenticated, ndi_analyst
  using (id = (select private.current_user_id()));

create policy "Platform admins can see every profile" on public.profiles
  for select to authenticated, ndi_analyst
  using ((select private.is_platform_admin()));

create policy "Users can edit their own profile" on public.profiles
  for update to authenticated
  using (id = (select private.current_user_id()))
  with check (id = (select private.current_user_id()));

create policy "Users can see whether they are platform admins" on public.platform_admins
  for select to authenticated, ndi_analyst
  using (user_id = (select private.current_user_id()));

create policy "Platform admins can see every platform admin" on public.platform_admins
  for select to authenticated, ndi_analyst
  using ((select private.is_platform_admin()));

create policy "Users can see their own analyst login" on public.analyst_logins
  for select to authenticated, ndi_analyst
  using (user_id = (select private.current_user_id()));

create policy "Platform admins can see every analyst login" on public.analyst_logins
  for select to authenticated, ndi_analyst
  using ((select private.is_platform_admin()));
