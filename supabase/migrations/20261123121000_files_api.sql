-- Files API (routes R42–R44): a file is registered only once its bytes have landed (contract 7.3).
--
-- Handing out an upload URL records an upload intent (object key -> dataset and uid) instead of a
-- files row, so `files` stays empty until the PUT completes. When Storage writes the object's row
-- (only once the upload is complete), the storage trigger turns the intent into the files row in
-- the same transaction: the uid appears uploaded, with size and eTag, atomically. A re-upload of a
-- uid that a branch shares from its parent lands in the branch's own folder and re-points the
-- branch's row there, so the parent's bytes are never touched and the file never disappears.

create table private.file_upload_intents (
  object_key text primary key,
  dataset_id text not null references public.datasets (id) on delete cascade,
  uid text not null check (uid <> '' and length(uid) <= 1024),
  created_at timestamptz not null default now(),
  check (pg_catalog.split_part(object_key, '/', 1) = dataset_id)
);
comment on table private.file_upload_intents is
  'Upload URLs handed out and not yet used: which dataset and uid the object key will register when its bytes land.';

create index file_upload_intents_created_at_idx on private.file_upload_intents (created_at);

-- Intents outlive their upload URL (2 h) by a wide margin, then go.
create or replace function public.prepare_file_upload(p_dataset_id text, p_uid text, p_object_key text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if not private.can_write_dataset(p_dataset_id) then
    raise exception 'you cannot upload files to dataset %', p_dataset_id using errcode = '42501';
  end if;
  delete from private.file_upload_intents where created_at < pg_catalog.now() - interval '1 day';
  insert into private.file_upload_intents (object_key, dataset_id, uid)
  values (p_object_key, p_dataset_id, p_uid)
  on conflict (object_key) do update set uid = excluded.uid, created_at = excluded.created_at;
end
$$;
comment on function public.prepare_file_upload(text, text, text) is
  'Before handing out an upload URL: remembers that object p_object_key (in p_dataset_id''s folder) is file p_uid of p_dataset_id. Errors: 42501 when the caller may not write the dataset.';
revoke all on function public.prepare_file_upload(text, text, text) from public, anon;
grant execute on function public.prepare_file_upload(text, text, text) to authenticated;

-- The storage trigger of the storage migration, now also registering intended uploads.
create or replace function private.sync_files_with_storage() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  intent private.file_upload_intents;
begin
  if tg_op in ('UPDATE', 'DELETE') and (tg_op = 'DELETE' or new.name is distinct from old.name) then
    update public.files f
    set uploaded = false, uploaded_at = null
    where f.object_key = old.name and f.uploaded;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    delete from private.file_upload_intents i where i.object_key = new.name returning * into intent;
    if found then
      -- protect_file_fields derives uploaded, size, eTag and source_dataset_id from the object.
      insert into public.files (dataset_id, uid, object_key)
      values (intent.dataset_id, intent.uid, intent.object_key)
      on conflict (dataset_id, uid) do update set object_key = excluded.object_key;
    end if;
    update public.files f
    set uploaded = true,
        uploaded_at = pg_catalog.now(),
        size = coalesce((new.metadata ->> 'size')::bigint, f.size),
        checksum = coalesce(new.metadata ->> 'eTag', f.checksum),
        content_type = coalesce(f.content_type, new.metadata ->> 'mimetype')
    where f.object_key = new.name;
  end if;
  return null;
end
$$;
comment on function private.sync_files_with_storage() is
  'Trigger on storage.objects (bucket ndi-data): registers the file an upload URL was handed out for when its object lands, marks the files rows of an object uploaded when it lands and not uploaded when it is removed.';
