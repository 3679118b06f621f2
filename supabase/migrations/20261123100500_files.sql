-- Files: the binary files of a dataset, one row per uid, pointing at an object in the private
-- Storage bucket `ndi-data` (object key `<datasetId>/<encoded uid>`).
--
-- Upload flow: the gateway inserts the row (uploaded = false) when it hands out an upload URL; when
-- the object lands, a trigger on storage.objects (storage migration) sets uploaded, size and
-- uploaded_at. The API lists only uploaded rows in a dataset's `files`.
-- Branches share bytes: a branch copies the rows, keeping object_key, so the object stays in the
-- parent's folder and source_dataset_id names that folder's dataset. Nothing is copied in Storage.
--
-- Who may do what: read with the dataset; register, change and delete: members with upload rights
-- while the dataset is unpublished. A row may point at another dataset's object only when the
-- caller can already read that object (no reading private bytes by registering their key).

create table public.files (
  dataset_id text not null references public.datasets (id) on delete cascade,
  uid text not null check (uid <> '' and length(uid) <= 1024),
  object_key text not null check (object_key <> ''),
  source_dataset_id text references public.datasets (id) on delete set null,
  size bigint check (size >= 0),
  checksum text,
  content_type text,
  uploaded boolean not null default false,
  uploaded_at timestamptz,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (dataset_id, uid)
);
comment on table public.files is
  'Binary files of a dataset (the Dataset object''s `files`), each backed by an object in the ndi-data Storage bucket.';
comment on column public.files.dataset_id is 'The dataset the file is listed under.';
comment on column public.files.uid is '`uid`: the client''s file id (any string; NDI ids look like 4126945b0315ec90_c0d16626cae2dacf).';
comment on column public.files.object_key is
  'Name of the object in bucket ndi-data: `<datasetId>/<encoded uid>`, the datasetId being the dataset that uploaded the bytes (the parent, for branches).';
comment on column public.files.source_dataset_id is
  '`sourceDatasetId`: the dataset whose folder holds the bytes when it is not this one (shared through a branch). Derived from object_key.';
comment on column public.files.size is '`size` in bytes; from the stored object once uploaded.';
comment on column public.files.checksum is 'Checksum of the bytes: the Storage object''s eTag once uploaded.';
comment on column public.files.content_type is 'MIME type, if known.';
comment on column public.files.uploaded is
  '`uploaded`: true once the object exists in Storage. Maintained by triggers; API callers cannot set it.';
comment on column public.files.uploaded_at is 'When the object landed.';
comment on column public.files.created_by is 'Who registered the file.';
comment on column public.files.created_at is 'When the file was registered (upload URL handed out).';
comment on column public.files.updated_at is 'Last change.';

create index files_object_key_idx on public.files (object_key);
create index files_source_dataset_id_idx on public.files (source_dataset_id) where source_dataset_id is not null;

-- ---------------------------------------------------------------- storage lookups

-- May the current user read this object of the ndi-data bucket? Yes if they can read the dataset
-- whose folder holds it, or any dataset that lists it (a branch of a dataset they cannot read).
create or replace function private.can_read_object(p_object_key text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.can_read_dataset(pg_catalog.split_part(p_object_key, '/', 1))
      or exists (
        select 1 from public.files f
        where f.object_key = p_object_key and f.dataset_id in (select private.readable_dataset_ids()))
$$;
comment on function private.can_read_object(text) is
  'True when the current user may read the ndi-data object: its folder''s dataset is readable, or a readable dataset lists it.';

-- Is the object listed by a dataset other than the one whose folder holds it (shared by a branch)?
-- Shared bytes are never replaced or removed through the API, so a branch cannot change under
-- its readers.
create or replace function private.object_is_shared(p_object_key text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.files f
    where f.object_key = p_object_key and f.dataset_id <> pg_catalog.split_part(p_object_key, '/', 1))
$$;
comment on function private.object_is_shared(text) is
  'True when a dataset other than the folder''s own lists the object (it is shared through a branch).';

-- What Storage knows about the object a file row of p_dataset_id points at, for API callers
-- registering a file: answered only to members who may write that dataset and read that object,
-- so it reveals nothing they could not already see.
create or replace function private.file_object_state(p_dataset_id text, p_object_key text)
returns table (source_dataset_id text, size bigint, etag text, mimetype text)
language sql
stable
security definer
set search_path = ''
as $$
  select case when d.id <> p_dataset_id then d.id end,
         (o.metadata ->> 'size')::bigint, o.metadata ->> 'eTag', o.metadata ->> 'mimetype'
  from storage.objects o
  left join public.datasets d on d.id = pg_catalog.split_part(p_object_key, '/', 1)
  where o.bucket_id = 'ndi-data' and o.name = p_object_key
    and private.can_write_dataset(p_dataset_id) and private.can_read_object(p_object_key)
$$;
comment on function private.file_object_state(text, text) is
  'For a writer of p_dataset_id who can read the object: its folder''s dataset when not p_dataset_id, and the object''s size, eTag and MIME type. No row: not uploaded (or not yours to know).';

revoke all on function private.can_read_object(text), private.object_is_shared(text), private.file_object_state(text, text)
  from public;
grant execute on function private.can_read_object(text), private.object_is_shared(text) to anon, authenticated, service_role, ndi_analyst;
grant execute on function private.file_object_state(text, text) to authenticated, service_role;

-- ---------------------------------------------------------------- field protection

create or replace function private.protect_file_fields() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  col text;
  folder text;
  stored record;
  caller_trusted boolean := private.caller_is_trusted();
begin
  if tg_op = 'UPDATE' and not caller_trusted then
    foreach col in array private.changed_columns(to_jsonb(old), to_jsonb(new), array[
      'dataset_id', 'uid', 'source_dataset_id', 'uploaded', 'uploaded_at', 'created_by']) loop
      perform private.raise_protected_column('files', col);
    end loop;
    if old.uploaded and new.size is distinct from old.size then
      perform private.raise_protected_column('files', 'size');
    end if;
  end if;
  if tg_op = 'INSERT' and not caller_trusted then
    new.created_by := private.current_user_id();
  end if;

  if tg_op = 'INSERT' or new.object_key is distinct from old.object_key then
    folder := pg_catalog.split_part(new.object_key, '/', 1);
    if folder <> new.dataset_id and not caller_trusted and not private.can_read_object(new.object_key) then
      raise exception 'a file can only point at an object of its own dataset or one you can read'
        using errcode = '42501';
    end if;
    if caller_trusted then
      new.source_dataset_id := case
        when folder <> new.dataset_id and exists (select 1 from public.datasets d where d.id = folder) then folder
      end;
      select (o.metadata ->> 'size')::bigint as size, o.metadata ->> 'eTag' as etag, o.metadata ->> 'mimetype' as mimetype
      into stored
      from storage.objects o where o.bucket_id = 'ndi-data' and o.name = new.object_key;
    else
      new.source_dataset_id := null;
      select s.source_dataset_id, s.size, s.etag, s.mimetype into stored
      from private.file_object_state(new.dataset_id, new.object_key) as s;
      if found then
        new.source_dataset_id := stored.source_dataset_id;
      end if;
    end if;
    -- Whether the bytes are there is a fact of Storage, whoever registers the file.
    new.uploaded := found;
    if found then
      new.size := coalesce(stored.size, new.size);
      new.checksum := coalesce(stored.etag, new.checksum);
      new.content_type := coalesce(new.content_type, stored.mimetype);
      new.uploaded_at := pg_catalog.now();
    else
      new.uploaded_at := null;
    end if;
  end if;
  return new;
end
$$;
comment on function private.protect_file_fields() is
  'Trigger: derives uploaded/size/source_dataset_id from Storage, refuses keys of objects the caller cannot read, and keeps API callers off server-maintained columns.';
revoke all on function private.protect_file_fields() from public;

create trigger protect_file_fields before insert or update on public.files
  for each row execute function private.protect_file_fields();
create trigger set_timestamps before insert or update on public.files
  for each row execute function private.set_timestamps();

-- ---------------------------------------------------------------- counters

-- datasets.file_count / total_size count uploaded files; statement triggers as for documents.
create or replace function private.count_files() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    update public.datasets d
    set file_count = d.file_count + delta.n, total_size = d.total_size + delta.bytes
    from (select dataset_id, count(*) as n, coalesce(sum(size), 0) as bytes
          from new_rows where uploaded group by dataset_id) as delta
    where d.id = delta.dataset_id;
  elsif tg_op = 'DELETE' then
    update public.datasets d
    set file_count = d.file_count - delta.n, total_size = d.total_size - delta.bytes
    from (select dataset_id, count(*) as n, coalesce(sum(size), 0) as bytes
          from old_rows where uploaded group by dataset_id) as delta
    where d.id = delta.dataset_id;
  else
    update public.datasets d
    set file_count = d.file_count + delta.n, total_size = d.total_size + delta.bytes
    from (select dataset_id, sum(n) as n, coalesce(sum(bytes), 0) as bytes
          from (select dataset_id, 1 as n, size as bytes from new_rows where uploaded
                union all
                select dataset_id, -1, -size from old_rows where uploaded) as changes
          group by dataset_id
          having sum(n) <> 0 or coalesce(sum(bytes), 0) <> 0) as delta
    where d.id = delta.dataset_id;
  end if;
  return null;
end
$$;
comment on function private.count_files() is 'Statement trigger: keeps datasets.file_count and total_size equal to the uploaded files.';
revoke all on function private.count_files() from public;

create trigger count_inserted_files after insert on public.files
  referencing new table as new_rows for each statement execute function private.count_files();
create trigger count_updated_files after update on public.files
  referencing old table as old_rows new table as new_rows for each statement execute function private.count_files();
create trigger count_deleted_files after delete on public.files
  referencing old table as old_rows for each statement execute function private.count_files();

-- ---------------------------------------------------------------- privileges and policies

alter table public.files enable row level security;

revoke all on public.files from anon, authenticated;
grant select on public.files to anon, ndi_analyst;
grant select, insert, update, delete on public.files to authenticated;
grant all on public.files to service_role;

create policy "Files are visible to whoever can read their dataset" on public.files
  for select to anon, authenticated, ndi_analyst
  using (dataset_id in (select private.readable_dataset_ids()));

create policy "Members with upload rights can register files of unpublished datasets" on public.files
  for insert to authenticated
  with check (dataset_id in (select private.writable_dataset_ids()));

create policy "Members with upload rights can change files of unpublished datasets" on public.files
  for update to authenticated
  using (dataset_id in (select private.writable_dataset_ids()))
  with check (dataset_id in (select private.writable_dataset_ids()));

create policy "Members with upload rights can remove files of unpublished datasets" on public.files
  for delete to authenticated
  using (dataset_id in (select private.writable_dataset_ids()));
