-- Audit log: who did what to which row, when. Written only by triggers, append-only (no role may
-- update, delete or truncate it; the table owner can, deliberately, for retention), readable by
-- organization admins/owners for their organizations and by platform admins for everything.
--
-- Row-level entries (one per changed row, with the changed columns) for organizations,
-- memberships, platform admins, analyst logins, datasets and jobs. Documents and files can change
-- by the hundred thousand in one statement, so they get one entry per statement and dataset, with
-- the number of rows and (up to 1000 of) their ids.
-- Noise is left out: counter maintenance and updated_at bumps on datasets, progress of jobs.

create table public.audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  transaction_id bigint not null default txid_current(),
  actor_id uuid,
  actor_role text not null,
  action text not null,
  table_name text not null,
  row_id text,
  organization_id text,
  dataset_id text,
  row_count integer not null default 1,
  changes jsonb
);
comment on table public.audit_log is
  'Append-only audit trail written by triggers. Organization admins read their organizations'' entries; platform admins read all.';
comment on column public.audit_log.id is 'Sequence number.';
comment on column public.audit_log.occurred_at is 'When (transaction start time).';
comment on column public.audit_log.transaction_id is 'Database transaction; entries of one API request share it.';
comment on column public.audit_log.actor_id is 'The user acting (NULL: the service role or the server itself). No foreign key: history outlives accounts.';
comment on column public.audit_log.actor_role is 'Database role of the request: authenticated, service_role, or the login (postgres) for direct SQL.';
comment on column public.audit_log.action is
  'insert, update, delete, or what the update meant: publish, unpublish, soft_delete, undelete.';
comment on column public.audit_log.table_name is 'Table changed (public schema).';
comment on column public.audit_log.row_id is 'Primary key of the row (organization/user for memberships); NULL for statement summaries.';
comment on column public.audit_log.organization_id is 'Organization the row belongs to, which decides who may read the entry.';
comment on column public.audit_log.dataset_id is 'Dataset the row belongs to, if any.';
comment on column public.audit_log.row_count is 'Rows covered by this entry (1 for row entries).';
comment on column public.audit_log.changes is
  'insert: the new row; delete: the old row; update: {column: {old, new}} of the changed columns; statements: {ids: [...], truncated}.';

create index audit_log_organization_id_idx on public.audit_log (organization_id, occurred_at desc);
create index audit_log_dataset_id_idx on public.audit_log (dataset_id, occurred_at desc);
create index audit_log_actor_id_idx on public.audit_log (actor_id, occurred_at desc);

-- ---------------------------------------------------------------- writers

create or replace function private.audit_actor_role() returns text
language sql
stable
set search_path = ''
as $$
  select coalesce(nullif(pg_catalog.current_setting('role', true), 'none'), session_user::text)
$$;
comment on function private.audit_actor_role() is
  'The role of the request (SET ROLE value, which security definer code does not change), else the login.';
revoke all on function private.audit_actor_role() from public;

-- Row trigger. TG_ARGV: columns whose change alone is not worth an entry.
create or replace function private.audit_row_change() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  old_row jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  new_row jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  row_image jsonb := coalesce(new_row, old_row);
  ignored text[] := coalesce(tg_argv::text[], '{}');
  diff jsonb;
  what text := pg_catalog.lower(tg_op);
  org_id text;
  ds_id text;
begin
  if tg_op = 'UPDATE' then
    select pg_catalog.jsonb_object_agg(n.key, pg_catalog.jsonb_build_object('old', old_row -> n.key, 'new', n.value))
    into diff
    from pg_catalog.jsonb_each(new_row) as n
    where n.value is distinct from old_row -> n.key and n.key <> all (ignored) and n.key <> 'updated_at';
    if diff is null then
      return null;
    end if;
    if tg_table_name = 'datasets' then
      what := case
        when diff ? 'is_published' then case when new_row ->> 'is_published' = 'true' then 'publish' else 'unpublish' end
        when diff ? 'deleted_at' then case when new_row ->> 'deleted_at' is null then 'undelete' else 'soft_delete' end
        else 'update'
      end;
    end if;
  else
    diff := row_image;
  end if;

  ds_id := case tg_table_name when 'datasets' then row_image ->> 'id' else row_image ->> 'dataset_id' end;
  org_id := case tg_table_name when 'organizations' then row_image ->> 'id' else row_image ->> 'organization_id' end;
  if org_id is null and ds_id is not null then
    select d.organization_id into org_id from public.datasets d where d.id = ds_id;
  end if;

  insert into public.audit_log (actor_id, actor_role, action, table_name, row_id, organization_id, dataset_id, changes)
  values (
    private.current_user_id(), private.audit_actor_role(), what, tg_table_name,
    case tg_table_name
      when 'organization_members' then (row_image ->> 'organization_id') || '/' || (row_image ->> 'user_id')
      when 'platform_admins' then row_image ->> 'user_id'
      when 'analyst_logins' then row_image ->> 'role_name'
      else row_image ->> 'id'
    end,
    org_id, ds_id, diff);
  return null;
end
$$;
comment on function private.audit_row_change() is
  'Trigger: one audit_log entry per inserted, deleted or meaningfully updated row (TG_ARGV lists columns to ignore).';
revoke all on function private.audit_row_change() from public;

-- Statement trigger for documents and files: one entry per statement and dataset.
create or replace function private.audit_statement() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  id_expression text := case tg_table_name when 'files' then 'uid' else 'id' end;
begin
  if tg_op = 'UPDATE' and tg_table_name = 'documents' then
    insert into public.audit_log (actor_id, actor_role, action, table_name, organization_id, dataset_id, row_count, changes)
    select private.current_user_id(), private.audit_actor_role(), changed.action, tg_table_name,
           (select d.organization_id from public.datasets d where d.id = changed.dataset_id), changed.dataset_id,
           count(*)::integer,
           pg_catalog.jsonb_build_object('ids', (pg_catalog.array_agg(changed.id order by changed.id))[1:1000],
                                         'truncated', count(*) > 1000)
    from (select n.dataset_id, n.id,
                 case when o.deleted_at is null and n.deleted_at is not null then 'soft_delete'
                      when o.deleted_at is not null and n.deleted_at is null then 'undelete'
                      else 'update' end as action
          from new_rows n join old_rows o on o.id = n.id) as changed
    group by changed.dataset_id, changed.action;
    return null;
  end if;

  execute pg_catalog.format($sql$
    insert into public.audit_log (actor_id, actor_role, action, table_name, organization_id, dataset_id, row_count, changes)
    select private.current_user_id(), private.audit_actor_role(), %L, %L,
           (select d.organization_id from public.datasets d where d.id = r.dataset_id), r.dataset_id,
           count(*)::integer,
           pg_catalog.jsonb_build_object('ids', (pg_catalog.array_agg(r.%I order by r.%I))[1:1000],
                                         'truncated', count(*) > 1000)
    from %I as r
    group by r.dataset_id$sql$,
    pg_catalog.lower(tg_op), tg_table_name, id_expression, id_expression,
    case tg_op when 'DELETE' then 'old_rows' else 'new_rows' end);
  return null;
end
$$;
comment on function private.audit_statement() is
  'Statement trigger for documents and files: one audit_log entry per statement and dataset with the row count and up to 1000 ids.';
revoke all on function private.audit_statement() from public;

-- The log cannot be rewritten, not even by the service role.
create or replace function private.refuse_audit_change() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'audit_log is append-only' using errcode = '42501';
end
$$;
comment on function private.refuse_audit_change() is 'Trigger: refuses updates, deletes and truncation of audit_log.';
revoke all on function private.refuse_audit_change() from public;

create trigger refuse_audit_change before update or delete on public.audit_log
  for each row execute function private.refuse_audit_change();
create trigger refuse_audit_truncate before truncate on public.audit_log
  for each statement execute function private.refuse_audit_change();

create trigger audit_row_change after insert or update or delete on public.organizations
  for each row execute function private.audit_row_change();
create trigger audit_row_change after insert or update or delete on public.organization_members
  for each row execute function private.audit_row_change();
create trigger audit_row_change after insert or update or delete on public.platform_admins
  for each row execute function private.audit_row_change();
create trigger audit_row_change after insert or update or delete on public.analyst_logins
  for each row execute function private.audit_row_change('password_set_at');
create trigger audit_row_change after insert or update or delete on public.datasets
  for each row execute function private.audit_row_change('document_count', 'document_bytes', 'file_count', 'total_size');
create trigger audit_row_change after insert or update or delete on public.jobs
  for each row execute function private.audit_row_change('progress_done', 'progress_total', 'locked_by', 'attempts');

create trigger audit_inserted_documents after insert on public.documents
  referencing new table as new_rows for each statement execute function private.audit_statement();
create trigger audit_updated_documents after update on public.documents
  referencing old table as old_rows new table as new_rows for each statement execute function private.audit_statement();
create trigger audit_deleted_documents after delete on public.documents
  referencing old table as old_rows for each statement execute function private.audit_statement();
create trigger audit_inserted_files after insert on public.files
  referencing new table as new_rows for each statement execute function private.audit_statement();
create trigger audit_updated_files after update on public.files
  referencing old table as old_rows new table as new_rows for each statement execute function private.audit_statement();
create trigger audit_deleted_files after delete on public.files
  referencing old table as old_rows for each statement execute function private.audit_statement();

-- ---------------------------------------------------------------- privileges and policies

alter table public.audit_log enable row level security;

revoke all on public.audit_log from anon, authenticated, service_role;
grant select on public.audit_log to authenticated, service_role, ndi_analyst;

create policy "Organization admins can read their organizations' audit trail" on public.audit_log
  for select to authenticated, ndi_analyst
  using (organization_id in (select private.member_organization_ids('admin')));

create policy "Platform admins can read the whole audit trail" on public.audit_log
  for select to authenticated, ndi_analyst
  using ((select private.is_platform_admin()));
