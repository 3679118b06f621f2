-- Setup: the schemas, the analyst group role and the small helpers every later migration uses.
--
-- Deny first, then grant exactly. A Supabase project grants ALL on every new table and function
-- in `public` to anon and authenticated, and EXECUTE on every new function to PUBLIC. So each
-- later migration revokes those defaults on every object it creates and grants back precisely
-- what the API roles need; RLS policies then decide which rows they see. (The project's default
-- privileges themselves are left as Supabase has them, so that objects made in Studio behave as
-- Supabase users expect.)
--
-- Who is who:
--   anon, authenticated  the gateway and supabase-js run each request as one of these, with the
--                        caller's verified JWT in request.jwt.claims.
--   service_role         the background worker and admin tools; BYPASSRLS.
--   ndi_analyst          group role of the per-analyst LOGIN roles made by
--                        public.grant_analyst_login(); read-only, identity from a table, never
--                        from claims (see the users and analysts migrations).

-- Helpers and trigger functions live here, outside the schemas the Data API exposes, as Supabase
-- recommends for security definer functions.
create schema if not exists private;
comment on schema private is
  'Permission helpers and trigger functions used by RLS policies. Not exposed through the Data API.';
revoke all on schema private from public;

do $$
begin
  if not exists (select from pg_catalog.pg_roles where rolname = 'ndi_analyst') then
    create role ndi_analyst nologin noinherit;
  end if;
end
$$;
comment on role ndi_analyst is
  'Group role of analyst logins (public.grant_analyst_login): read-only SQL access through the same RLS as the API.';

grant usage on schema private to anon, authenticated, service_role, ndi_analyst;
grant usage on schema public to ndi_analyst;

-- ---------------------------------------------------------------- identifiers

-- Datasets, documents, organizations and jobs carry 24-hex ids shaped like MongoDB ObjectIds,
-- which the NDI clients validate (^[0-9a-fA-F]{24}$). Layout: 8 hex digits of Unix seconds (so
-- tools that read an ObjectId's timestamp still work), 5 hex digits of microseconds, 11 hex
-- digits of a sequence. Ids therefore sort in creation order, which the document and dataset
-- lists use for stable paging, and never repeat within a database.
create sequence if not exists private.object_id_seq as bigint;
comment on sequence private.object_id_seq is 'Counter part of private.object_id().';

create or replace function private.object_id() returns text
language sql
volatile
security definer
set search_path = ''
as $$
  select pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.floor(extract(epoch from now.t))::bigint), 8, '0')
      || pg_catalog.lpad(pg_catalog.to_hex(extract(microseconds from now.t)::bigint % 1000000), 5, '0')
      || pg_catalog.lpad(pg_catalog.to_hex(pg_catalog.nextval('private.object_id_seq') % 17592186044416), 11, '0')
  from (select pg_catalog.clock_timestamp() as t) as now
$$;
comment on function private.object_id() is
  'A new 24-hex, time-ordered, unique id in the shape of a MongoDB ObjectId (seconds, microseconds, counter).';
revoke all on function private.object_id() from public;
grant execute on function private.object_id() to authenticated, service_role;

-- ---------------------------------------------------------------- trusted callers

-- Field-protection triggers apply to the API roles and let trusted code through. "Trusted" is
-- exactly "bypasses RLS": the service role, the table owner `postgres` (hosted: BYPASSRLS; here:
-- superuser), and therefore every security definer function owned by it. Deliberately not
-- security definer, so it sees the caller's current_user.
create or replace function private.caller_is_trusted() returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select r.rolsuper or r.rolbypassrls from pg_catalog.pg_roles r where r.rolname = current_user),
    false)
$$;
comment on function private.caller_is_trusted() is
  'True when the current role bypasses RLS (service_role, postgres, security definer code): such callers skip field guards.';
revoke all on function private.caller_is_trusted() from public;
grant execute on function private.caller_is_trusted() to anon, authenticated, service_role;

-- ---------------------------------------------------------------- timestamps

-- created_at is the server's clock for API callers (trusted imports may bring their own);
-- updated_at moves on every update. Attached to every table with these columns.
create or replace function private.set_timestamps() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.created_at is null or not private.caller_is_trusted() then
      new.created_at := pg_catalog.now();
    end if;
    new.updated_at := new.created_at;
  else
    if not private.caller_is_trusted() then
      new.created_at := old.created_at;
    end if;
    new.updated_at := pg_catalog.now();
  end if;
  return new;
end
$$;
comment on function private.set_timestamps() is
  'Trigger: fills created_at on insert (server time for API callers) and updated_at on every write.';
revoke all on function private.set_timestamps() from public;

-- Raises the same error for every protected column an API caller tries to change, naming it.
create or replace function private.raise_protected_column(table_name text, column_name text) returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%.% cannot be changed', table_name, column_name
    using errcode = '42501', hint = 'This column is maintained by the server.';
end
$$;
comment on function private.raise_protected_column(text, text) is
  'Raises 42501 "<table>.<column> cannot be changed"; used by the field-protection triggers.';
revoke all on function private.raise_protected_column(text, text) from public;
grant execute on function private.raise_protected_column(text, text) to anon, authenticated;

-- Names of the columns whose values differ between two versions of a row, restricted to `columns`.
create or replace function private.changed_columns(old_row jsonb, new_row jsonb, columns text[]) returns text[]
language sql
immutable
set search_path = ''
as $$
  select coalesce(pg_catalog.array_agg(c order by c), '{}')
  from pg_catalog.unnest(columns) as c
  where (old_row -> c) is distinct from (new_row -> c)
$$;
comment on function private.changed_columns(jsonb, jsonb, text[]) is
  'Which of `columns` differ between two row images (to_jsonb(old), to_jsonb(new)).';
revoke all on function private.changed_columns(jsonb, jsonb, text[]) from public;
grant execute on function private.changed_columns(jsonb, jsonb, text[]) to anon, authenticated;
