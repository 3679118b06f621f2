-- Analysts: safe direct SQL. An analyst connects with psql (or any Postgres client) as their own
-- LOGIN role and sees exactly the rows the API would show the user that login is mapped to.
--
-- Why this is safe although a SQL session can set request.jwt.claims to anything:
--   * the login role is a member of ndi_analyst only: not of anon, authenticated or service_role,
--     so it cannot SET ROLE to them and has no write privilege anywhere;
--   * private.current_user_id() recognises the session by session_user (which SET ROLE cannot
--     change) and then takes the user from public.analyst_logins, never from claims;
--   * public.analyst_logins is written only by the two functions below (service role).
-- Revoking (or deleting the user) leaves a login that maps to nobody and sees only public data.
--
-- Read-only conveniences live in schema `analyst`: views with security_invoker, so RLS applies to
-- the analyst as on the tables themselves.

-- ---------------------------------------------------------------- logins

create or replace function public.grant_analyst_login(user_email text)
returns table (role_name text, password text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  target_user uuid;
  login text;
  secret text := pg_catalog.encode(extensions.gen_random_bytes(24), 'hex');
begin
  select u.id into target_user from auth.users u where pg_catalog.lower(u.email) = pg_catalog.lower(btrim(user_email));
  if target_user is null then
    raise exception 'no user with e-mail %', user_email using errcode = 'P0002';
  end if;
  login := 'ndi_analyst_' || pg_catalog.replace(target_user::text, '-', '');

  if exists (select 1 from pg_catalog.pg_roles r where r.rolname = login) then
    execute pg_catalog.format('alter role %I with login password %L', login, secret);
  else
    execute pg_catalog.format(
      'create role %I with login inherit nosuperuser nocreatedb nocreaterole noreplication nobypassrls connection limit 5 password %L',
      login, secret);
    execute pg_catalog.format('grant ndi_analyst to %I', login);
    execute pg_catalog.format('alter role %I set statement_timeout = %L', login, '60s');
    execute pg_catalog.format('alter role %I set search_path = analyst, public', login);
    execute pg_catalog.format('alter role %I set default_transaction_read_only = on', login);
  end if;

  insert into public.analyst_logins as a (role_name, user_id)
  values (login, target_user)
  on conflict on constraint analyst_logins_pkey do update set user_id = excluded.user_id, password_set_at = pg_catalog.now();

  role_name := login;
  password := secret;
  return next;
end
$$;
comment on function public.grant_analyst_login(text) is
  'Service role only: creates (or gives a new password to) the analyst LOGIN role of the user with this e-mail; returns the role name and the new password. The login reads exactly what the user may read through the API.';
revoke all on function public.grant_analyst_login(text) from public, anon, authenticated;
grant execute on function public.grant_analyst_login(text) to service_role;

create or replace function public.revoke_analyst_login(user_email text) returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  login text;
begin
  select a.role_name into login
  from public.analyst_logins a join auth.users u on u.id = a.user_id
  where pg_catalog.lower(u.email) = pg_catalog.lower(btrim(user_email));
  if login is null then
    return false;
  end if;
  delete from public.analyst_logins a where a.role_name = login;
  if exists (select 1 from pg_catalog.pg_roles r where r.rolname = login) then
    execute pg_catalog.format('drop role %I', login);
  end if;
  return true;
end
$$;
comment on function public.revoke_analyst_login(text) is
  'Service role only: drops the analyst LOGIN role of the user with this e-mail; false if there was none.';
revoke all on function public.revoke_analyst_login(text) from public, anon, authenticated;
grant execute on function public.revoke_analyst_login(text) to service_role;

-- ---------------------------------------------------------------- views

create schema if not exists analyst;
comment on schema analyst is
  'Read-only views for analysts (security_invoker: the reader''s RLS applies). Also readable by authenticated users.';
revoke all on schema analyst from public;
grant usage on schema analyst to ndi_analyst, authenticated, service_role;

create view analyst.datasets with (security_invoker = true) as
select d.id, d.name, d.organization_id, o.name as organization_name, d.is_published, d.published_at,
       d.is_submitted, d.doi, d.doi_status, d.license, d.species, d.brain_regions, d.number_of_subjects,
       d.branch_of, d.branch_name, d.document_count, d.file_count, d.total_size, d.created_at, d.updated_at
from public.datasets d
left join public.organizations o on o.id = d.organization_id;
comment on view analyst.datasets is 'Datasets the reader may see, with their organization''s name (NULL when that organization is not visible).';

create view analyst.documents with (security_invoker = true) as
select doc.id, doc.dataset_id, d.name as dataset_name, d.organization_id, d.is_published,
       doc.ndi_id, doc.name, coalesce(nullif(doc.class_name, ''), 'unknown') as class_name, doc.class_lineage,
       doc.data #>> '{base,session_id}' as session_id, doc.data #>> '{base,datestamp}' as datestamp,
       doc.depends_on, doc.size_bytes, doc.created_at, doc.data
from public.documents doc
join public.datasets d on d.id = doc.dataset_id;
comment on view analyst.documents is
  'Documents flattened with their dataset and class (session_id and datestamp from base); one row per live document the reader may see.';

create view analyst.document_class_counts with (security_invoker = true) as
select doc.dataset_id, coalesce(nullif(doc.class_name, ''), 'unknown') as class_name, count(*) as documents
from public.documents doc
group by doc.dataset_id, coalesce(nullif(doc.class_name, ''), 'unknown');
comment on view analyst.document_class_counts is 'Number of live documents per dataset and class (the API''s document-class-counts).';

create view analyst.files with (security_invoker = true) as
select f.dataset_id, d.name as dataset_name, f.uid, f.size, f.uploaded, f.uploaded_at, f.source_dataset_id,
       f.checksum, f.content_type
from public.files f
join public.datasets d on d.id = f.dataset_id;
comment on view analyst.files is 'Files of the datasets the reader may see.';

revoke all on analyst.datasets, analyst.documents, analyst.document_class_counts, analyst.files from public, anon;
grant select on analyst.datasets, analyst.documents, analyst.document_class_counts, analyst.files
  to ndi_analyst, authenticated, service_role;
