-- Deletion: soft delete, undelete, the deleted lists and purging, for datasets and documents.
--
-- The API deletes with `?when=`: `now` purges at once, anything else (`30m`, `24h`, `7d`, default
-- 7 days) soft-deletes: the row gets deleted_at and delete_after, disappears from every normal
-- read (the SELECT policies only show live rows), and can be undeleted until delete_after.
-- The deleted lists are reached only through the functions below ("the recycle bin"); they show
-- what the caller could restore: soft-deleted, not yet due, in an organization where the caller
-- has upload rights. Due rows are purged by public.purge_due_deletions() (worker, service role);
-- a soft-deleted row past delete_after already counts as gone (no list, no undelete).
--
-- Rules: deleting needs upload rights on an unpublished dataset (a published dataset must be
-- unpublished by an organization admin first; its documents are immutable). Undeleting needs the
-- same rights. Documents survive a dataset's soft delete and undelete untouched.
--
-- These are security definer functions because a soft-deleted row is, by design, invisible to the
-- caller's RLS; each checks the caller with the same helpers the policies use and raises
-- P0002 (not found: missing or unreadable) or 42501 (readable but not allowed) or 55000
-- (published: unpublish first).

-- ---------------------------------------------------------------- purging

-- Removes a dataset for good: its rows (documents and files cascade) now, and its Storage objects
-- through a purge job, except objects other datasets still list (branches).
create or replace function private.purge_dataset(p_dataset_id text) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  keep text[];
  orphans text[];
begin
  select coalesce(array_agg(distinct f.object_key), '{}') into keep
  from public.files f
  where f.object_key like p_dataset_id || '/%' and f.dataset_id <> p_dataset_id;

  select coalesce(array_agg(distinct f.object_key), '{}') into orphans
  from public.files f
  where f.dataset_id = p_dataset_id
    and f.object_key not like p_dataset_id || '/%'
    and not exists (select 1 from public.files o where o.object_key = f.object_key and o.dataset_id <> p_dataset_id);

  delete from public.datasets d where d.id = p_dataset_id;

  insert into public.jobs (kind, dataset_id, params)
  values ('purge', null, pg_catalog.jsonb_build_object(
    'datasetId', p_dataset_id, 'bucket', 'ndi-data', 'prefix', p_dataset_id || '/', 'keep', keep, 'objectKeys', orphans));
end
$$;
comment on function private.purge_dataset(text) is
  'Deletes a dataset''s rows now and queues a purge job for its Storage objects (prefix `<id>/` minus objects branches still use, plus shared objects nobody else uses).';
revoke all on function private.purge_dataset(text) from public;

create or replace function public.purge_due_deletions()
returns table (datasets_purged integer, documents_purged integer)
language plpgsql
security definer
set search_path = ''
as $$
declare
  dataset_id text;
begin
  datasets_purged := 0;
  for dataset_id in
    select d.id from public.datasets d where d.deleted_at is not null and d.delete_after <= pg_catalog.now()
  loop
    perform private.purge_dataset(dataset_id);
    datasets_purged := datasets_purged + 1;
  end loop;
  delete from public.documents d where d.deleted_at is not null and d.delete_after <= pg_catalog.now();
  get diagnostics documents_purged = row_count;
  return next;
end
$$;
comment on function public.purge_due_deletions() is
  'Worker (service role): purges soft-deleted datasets and documents whose delete_after has passed; returns how many.';
revoke all on function public.purge_due_deletions() from public, anon, authenticated;
grant execute on function public.purge_due_deletions() to service_role;

-- ---------------------------------------------------------------- datasets

create or replace function public.delete_dataset(p_dataset_id text, p_purge_after interval default interval '7 days')
returns table (dataset_id text, deleted_at timestamptz, delete_after timestamptz, purged boolean)
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.datasets;
begin
  select * into target from public.datasets d where d.id = p_dataset_id for update;
  if not found
     or (target.deleted_at is null and not private.can_read_dataset(target.id))
     or (target.deleted_at is not null
         and (target.delete_after <= pg_catalog.now() or not private.has_role_on_org(target.organization_id, 'member'))) then
    raise exception 'dataset % not found', p_dataset_id using errcode = 'P0002';
  end if;
  if not private.has_role_on_org(target.organization_id, 'member') then
    raise exception 'only members with upload rights can delete a dataset' using errcode = '42501';
  end if;
  if target.is_published then
    raise exception 'dataset % is published; an organization admin must unpublish it before it can be deleted', p_dataset_id
      using errcode = '55000';
  end if;

  if p_purge_after <= interval '0' then
    perform private.purge_dataset(target.id);
    return query select target.id, pg_catalog.now(), pg_catalog.now(), true;
    return;
  end if;

  -- Deleting again only moves the purge time (repeated DELETEs are safe).
  update public.datasets d
  set deleted_at = coalesce(d.deleted_at, pg_catalog.now()),
      delete_after = pg_catalog.now() + p_purge_after,
      deleted_by = coalesce(d.deleted_by, private.current_user_id())
  where d.id = target.id;
  return query select d.id, d.deleted_at, d.delete_after, false from public.datasets d where d.id = target.id;
end
$$;
comment on function public.delete_dataset(text, interval) is
  'DELETE /datasets/{id}?when=: soft-deletes (purge after p_purge_after) or, with an interval <= 0 (when=now), purges now. Needs upload rights; published datasets must be unpublished first.';

create or replace function public.undelete_dataset(p_dataset_id text) returns public.datasets
language plpgsql
security definer
set search_path = ''
as $$
declare
  target public.datasets;
begin
  select * into target from public.datasets d where d.id = p_dataset_id for update;
  if found and target.deleted_at is null and private.can_read_dataset(target.id) then
    if not private.has_role_on_org(target.organization_id, 'member') then
      raise exception 'only members with upload rights can undelete a dataset' using errcode = '42501';
    end if;
    return target; -- not deleted: undeleting again is harmless
  end if;
  if not found or target.deleted_at is null or target.delete_after <= pg_catalog.now()
     or not private.has_role_on_org(target.organization_id, 'member') then
    raise exception 'dataset % not found', p_dataset_id using errcode = 'P0002';
  end if;
  update public.datasets d
  set deleted_at = null, delete_after = null, deleted_by = null
  where d.id = target.id
  returning * into target;
  return target;
end
$$;
comment on function public.undelete_dataset(text) is
  'POST /datasets/{id}/undelete: restores a soft-deleted dataset (with its documents) before it is purged. Needs upload rights.';

create or replace function public.deleted_datasets() returns setof public.datasets
language sql
stable
security definer
set search_path = ''
as $$
  select d.* from public.datasets d
  where d.deleted_at is not null
    and d.delete_after > pg_catalog.now()
    and d.organization_id in (select private.member_organization_ids('member'))
  order by d.deleted_at desc, d.id desc
$$;
comment on function public.deleted_datasets() is
  'GET /datasets/deleted: soft-deleted datasets the caller can still undelete (upload rights in their organization), most recently deleted first.';

-- ---------------------------------------------------------------- documents

create or replace function public.delete_documents(
  p_dataset_id text,
  p_document_ids text[],
  p_purge_after interval default interval '7 days'
) returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  affected integer;
begin
  if not private.can_read_dataset(p_dataset_id) then
    raise exception 'dataset % not found', p_dataset_id using errcode = 'P0002';
  end if;
  if not private.has_role_on_dataset(p_dataset_id, 'member') then
    raise exception 'only members with upload rights can delete documents' using errcode = '42501';
  end if;
  if not private.can_write_dataset(p_dataset_id) then
    raise exception 'dataset % is published; its documents cannot be changed', p_dataset_id using errcode = '55000';
  end if;

  if p_purge_after <= interval '0' then
    delete from public.documents d
    where d.dataset_id = p_dataset_id and d.id = any (p_document_ids)
      and (d.deleted_at is null or d.delete_after > pg_catalog.now());
  else
    update public.documents d
    set deleted_at = pg_catalog.now(), delete_after = pg_catalog.now() + p_purge_after,
        deleted_by = private.current_user_id()
    where d.dataset_id = p_dataset_id and d.id = any (p_document_ids) and d.deleted_at is null;
  end if;
  get diagnostics affected = row_count;
  return affected;
end
$$;
comment on function public.delete_documents(text, text[], interval) is
  'DELETE /datasets/{id}/documents/{docId}?when= and bulk-delete: soft-deletes (or, interval <= 0, purges) the listed live documents of an unpublished dataset; returns how many. Unknown ids are ignored.';

create or replace function public.deleted_documents(p_dataset_id text) returns setof public.documents
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.can_read_dataset(p_dataset_id) then
    raise exception 'dataset % not found', p_dataset_id using errcode = 'P0002';
  end if;
  if not private.has_role_on_dataset(p_dataset_id, 'member') then
    raise exception 'only members with upload rights can list deleted documents' using errcode = '42501';
  end if;
  return query
    select d.* from public.documents d
    where d.dataset_id = p_dataset_id and d.deleted_at is not null and d.delete_after > pg_catalog.now()
    order by d.id;
end
$$;
comment on function public.deleted_documents(text) is
  'GET /datasets/{id}/documents/deleted: the dataset''s soft-deleted documents not yet purged, in id order. Needs upload rights.';

revoke all on function public.delete_dataset(text, interval), public.undelete_dataset(text), public.deleted_datasets(),
  public.delete_documents(text, text[], interval), public.deleted_documents(text) from public, anon, authenticated;
grant execute on function public.delete_dataset(text, interval), public.undelete_dataset(text), public.deleted_datasets(),
  public.delete_documents(text, text[], interval), public.deleted_documents(text) to authenticated, service_role;
