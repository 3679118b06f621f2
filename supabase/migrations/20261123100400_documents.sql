-- Documents: NDI documents (the JSON the clients upload, stored as given) with the fields the API
-- and ndiquery derive from them, kept as generated columns so that nobody can make them disagree
-- with the JSON.
--
-- Who may do what: read with the dataset (published: everyone; otherwise the organization's
-- members and platform admins); add, replace and delete: members with upload rights while the
-- dataset is unpublished. Published datasets' documents are immutable through the API.
-- Soft-deleted documents (public.delete_documents) vanish from every normal read; the deleted list
-- is public.deleted_documents.

-- ---------------------------------------------------------------- derived fields

-- `isa` semantics: a document is of its own class_name and of every superclass, named by the stem
-- of superclasses[].definition ('$NDIDOCUMENTPATH/daq/daqsystem.json' -> 'daqsystem'). MATLAB
-- writes a one-element superclasses array as a bare object; both shapes are read.
-- Written in PL/pgSQL without regular expressions or set-returning calls: it runs for every
-- stored document (a generated column), so it is kept to a few microseconds.
create or replace function private.ndi_class_lineage(document jsonb) returns text[]
language plpgsql
immutable
parallel safe
set search_path = ''
as $$
declare
  class jsonb := document -> 'document_class';
  superclasses jsonb;
  lineage text[] := '{}';
  name text;
  definition text;
begin
  if pg_catalog.jsonb_typeof(class) is distinct from 'object' then
    return lineage;
  end if;
  superclasses := case pg_catalog.jsonb_typeof(class -> 'superclasses')
    when 'array' then class -> 'superclasses'
    when 'object' then pg_catalog.jsonb_build_array(class -> 'superclasses')
    else '[]'::jsonb
  end;
  -- -2: class_name, -1: the class's own definition, 0..n-1: the superclasses' definitions.
  for i in -2 .. pg_catalog.jsonb_array_length(superclasses) - 1 loop
    if i = -2 then
      name := class ->> 'class_name';
    else
      definition := case when i = -1 then class ->> 'definition' else superclasses -> i ->> 'definition' end;
      -- '$NDIDOCUMENTPATH/daq/daqsystem.json' -> 'daqsystem' (either slash).
      name := pg_catalog.reverse(pg_catalog.split_part(pg_catalog.reverse(pg_catalog.translate(definition, '\', '/')), '/', 1));
      if pg_catalog.right(name, 5) = '.json' then
        name := pg_catalog.left(name, -5);
      end if;
    end if;
    if name <> '' and not name = any (lineage) then
      lineage := lineage || name;
    end if;
  end loop;
  return lineage;
end
$$;
comment on function private.ndi_class_lineage(jsonb) is
  'Class name, then superclass names (definition file stems), of an NDI document: what `isa` matches.';

-- depends_on as an array of {name, value} (MATLAB writes a single dependency as a bare object).
create or replace function private.ndi_depends_on(document jsonb) returns jsonb
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case pg_catalog.jsonb_typeof(document -> 'depends_on')
    when 'array' then document -> 'depends_on'
    when 'object' then pg_catalog.jsonb_build_array(document -> 'depends_on')
    else '[]'::jsonb
  end
$$;
comment on function private.ndi_depends_on(jsonb) is 'The document''s depends_on normalised to an array of {name, value}.';

revoke all on function private.ndi_class_lineage(jsonb), private.ndi_depends_on(jsonb) from public;
grant execute on function private.ndi_class_lineage(jsonb), private.ndi_depends_on(jsonb)
  to anon, authenticated, service_role, ndi_analyst;

-- ---------------------------------------------------------------- table

create table public.documents (
  id text primary key default private.object_id() check (id ~ '^[0-9a-f]{24}$'),
  dataset_id text not null references public.datasets (id) on delete cascade,
  data jsonb not null check (jsonb_typeof(data) = 'object'),
  ndi_id text generated always as (coalesce(nullif(data #>> '{base,id}', ''), data ->> 'ndiId')) stored,
  name text generated always as (data #>> '{base,name}') stored,
  class_name text generated always as (data #>> '{document_class,class_name}') stored,
  class_lineage text[] generated always as (private.ndi_class_lineage(data)) stored,
  depends_on jsonb generated always as (private.ndi_depends_on(data)) stored,
  size_bytes integer generated always as (octet_length(data::text)) stored,
  deleted_at timestamptz,
  delete_after timestamptz,
  deleted_by uuid references public.profiles (id) on delete set null,
  created_by uuid references public.profiles (id) on delete set null,
  updated_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint documents_soft_delete_fields check ((deleted_at is null) = (delete_after is null))
);
comment on table public.documents is
  'NDI documents of a dataset. `data` is the document exactly as uploaded; the other content columns are derived from it.';
comment on column public.documents.id is '24-hex id (ObjectId shape), the API''s document `id`/`_id`; sorts in creation order.';
comment on column public.documents.dataset_id is 'The dataset (`datasetId`); fixed after creation.';
comment on column public.documents.data is
  'The NDI document as uploaded (base, document_class, depends_on, files, property blocks); returned verbatim by downloads.';
comment on column public.documents.ndi_id is '`ndiId`: data.base.id, else a top-level ndiId. Not unique: clients may upload duplicates.';
comment on column public.documents.name is '`name`: data.base.name.';
comment on column public.documents.class_name is '`className`: data.document_class.class_name (class counts use "unknown" when empty).';
comment on column public.documents.class_lineage is 'Class and superclass names, for ndiquery `isa`.';
comment on column public.documents.depends_on is 'data.depends_on as an array of {name, value}, for ndiquery `depends_on`.';
comment on column public.documents.size_bytes is 'Size of the JSON text in bytes.';
comment on column public.documents.deleted_at is 'Soft delete time (public.delete_documents); such documents are hidden from normal reads.';
comment on column public.documents.delete_after is 'When a soft-deleted document is purged.';
comment on column public.documents.deleted_by is 'Who soft-deleted it.';
comment on column public.documents.created_by is 'Who added it (NULL for bulk uploads done by the worker).';
comment on column public.documents.updated_by is 'Who replaced it last through the API.';
comment on column public.documents.created_at is 'When it was added.';
comment on column public.documents.updated_at is 'Last change.';

-- Hot paths of the contract:
--   list by dataset in creation order, stable paging  -> (dataset_id, id), covering the list's
--                                                         summary (ndi_id, name, class_name):
--                                                         index-only, even at deep offsets
--   document-class-counts                              -> the same index, index-only
--   lookup by NDI id (sync, BFF ndiId resolution)      -> (ndi_id)
--   ndiquery isa                                       -> GIN class_lineage
--   ndiquery depends_on                                -> GIN depends_on jsonb_path_ops (@>)
--   ndiquery exact field values (exact_string, exact_number, hasmember on any path)
--                                                      -> GIN data jsonb_path_ops (@>)
--   deleted list and purge                             -> partial indexes on the deleted rows
-- Under RLS, Postgres uses a condition as an index condition only if its operator is leakproof:
-- `=` on text is, `@>` is not. So the btree paths work in plain queries as the caller, and the
-- GIN paths are reached through public.find_document_ids (ndiquery migration), which applies the
-- same read rule itself.
create index documents_dataset_id_idx on public.documents (dataset_id, id) include (ndi_id, name, class_name)
  where deleted_at is null;
create index documents_ndi_id_idx on public.documents (ndi_id) where deleted_at is null;
create index documents_class_lineage_idx on public.documents using gin (class_lineage) where deleted_at is null;
create index documents_depends_on_idx on public.documents using gin (depends_on jsonb_path_ops) where deleted_at is null;
create index documents_data_idx on public.documents using gin (data jsonb_path_ops) where deleted_at is null;
create index documents_deleted_idx on public.documents (dataset_id, id) where deleted_at is not null;
create index documents_delete_after_idx on public.documents (delete_after) where deleted_at is not null;

-- ---------------------------------------------------------------- authorship

create or replace function private.stamp_document_author() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if private.caller_is_trusted() then
    return new;
  end if;
  if tg_op = 'INSERT' then
    new.created_by := private.current_user_id();
  end if;
  new.updated_by := private.current_user_id();
  return new;
end
$$;
comment on function private.stamp_document_author() is 'Trigger: records which user added or replaced a document through the API.';
revoke all on function private.stamp_document_author() from public;

create trigger stamp_document_author before insert or update on public.documents
  for each row execute function private.stamp_document_author();
create trigger set_timestamps before insert or update on public.documents
  for each row execute function private.set_timestamps();

-- ---------------------------------------------------------------- counters

-- datasets.document_count / document_bytes count live documents. Statement-level triggers with
-- transition tables: a bulk insert of 100 000 documents updates each dataset row once, not 100 000
-- times. Concurrent writers to one dataset serialise on that row's lock only at statement end.
create or replace function private.count_documents() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.datasets d
    set document_count = d.document_count + delta.n, document_bytes = d.document_bytes + delta.bytes
    from (select dataset_id, count(*) as n, sum(size_bytes) as bytes
          from new_rows where deleted_at is null group by dataset_id) as delta
    where d.id = delta.dataset_id;
  elsif tg_op = 'DELETE' then
    update public.datasets d
    set document_count = d.document_count - delta.n, document_bytes = d.document_bytes - delta.bytes
    from (select dataset_id, count(*) as n, sum(size_bytes) as bytes
          from old_rows where deleted_at is null group by dataset_id) as delta
    where d.id = delta.dataset_id;
  else
    update public.datasets d
    set document_count = d.document_count + delta.n, document_bytes = d.document_bytes + delta.bytes
    from (select dataset_id, sum(n) as n, sum(bytes) as bytes
          from (select dataset_id, 1 as n, size_bytes as bytes from new_rows where deleted_at is null
                union all
                select dataset_id, -1, -size_bytes from old_rows where deleted_at is null) as changes
          group by dataset_id
          having sum(n) <> 0 or sum(bytes) <> 0) as delta
    where d.id = delta.dataset_id;
  end if;
  return null;
end
$$;
comment on function private.count_documents() is
  'Statement trigger: keeps datasets.document_count and document_bytes equal to the live documents.';
revoke all on function private.count_documents() from public;

create trigger count_inserted_documents after insert on public.documents
  referencing new table as new_rows for each statement execute function private.count_documents();
create trigger count_updated_documents after update on public.documents
  referencing old table as old_rows new table as new_rows for each statement execute function private.count_documents();
create trigger count_deleted_documents after delete on public.documents
  referencing old table as old_rows for each statement execute function private.count_documents();

-- ---------------------------------------------------------------- privileges and policies

alter table public.documents enable row level security;

-- Column privileges do the field protection: through the API a document is created from a dataset
-- id and its JSON, and only its JSON can be replaced. Soft delete goes through
-- public.delete_documents.
revoke all on public.documents from anon, authenticated;
grant select on public.documents to anon, ndi_analyst;
grant select, insert (dataset_id, data), update (data), delete on public.documents to authenticated;
grant all on public.documents to service_role;

create policy "Documents are visible to whoever can read their dataset" on public.documents
  for select to anon, authenticated, ndi_analyst
  using (deleted_at is null and dataset_id in (select private.readable_dataset_ids()));

create policy "Members with upload rights can add documents to unpublished datasets" on public.documents
  for insert to authenticated
  with check (dataset_id in (select private.writable_dataset_ids()));

create policy "Members with upload rights can replace documents of unpublished datasets" on public.documents
  for update to authenticated
  using (deleted_at is null and dataset_id in (select private.writable_dataset_ids()))
  with check (dataset_id in (select private.writable_dataset_ids()));

create policy "Members with upload rights can delete documents of unpublished datasets" on public.documents
  for delete to authenticated
  using (dataset_id in (select private.writable_dataset_ids()));
