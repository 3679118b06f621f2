-- Storage: the private bucket `ndi-data` for dataset files and its RLS policies, which mirror the
-- dataset rules. Object keys are `<datasetId>/<encoded uid>`; the policies key on the first folder.
--   read     whoever can read the folder's dataset, or a dataset (branch) that lists the object.
--   upload   members with upload rights while the folder's dataset is unpublished.
--   replace, remove
--            the same, and only objects no other dataset shares through a branch.
-- The service role (worker, signed-URL minting on behalf of checked callers) bypasses RLS.

insert into storage.buckets (id, name, public)
values ('ndi-data', 'ndi-data', false)
on conflict (id) do nothing;

create policy "NDI data files are readable with their dataset" on storage.objects
  for select to anon, authenticated
  using (bucket_id = 'ndi-data' and private.can_read_object(name));

create policy "Members with upload rights can upload NDI data files" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'ndi-data' and private.can_write_dataset((storage.foldername(name))[1]));

create policy "Members with upload rights can replace unshared NDI data files" on storage.objects
  for update to authenticated
  using (bucket_id = 'ndi-data' and private.can_write_dataset((storage.foldername(name))[1])
         and not private.object_is_shared(name))
  with check (bucket_id = 'ndi-data' and private.can_write_dataset((storage.foldername(name))[1])
              and not private.object_is_shared(name));

create policy "Members with upload rights can remove unshared NDI data files" on storage.objects
  for delete to authenticated
  using (bucket_id = 'ndi-data' and private.can_write_dataset((storage.foldername(name))[1])
         and not private.object_is_shared(name));

-- When bytes land (the Storage server writes the objects row only once the upload is complete),
-- the files rows pointing at the object become uploaded, with the object's size and eTag; when the
-- object goes away or is renamed, they stop being uploaded. The files counters follow.
create or replace function private.sync_files_with_storage() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') and (tg_op = 'DELETE' or new.name is distinct from old.name) then
    update public.files f
    set uploaded = false, uploaded_at = null
    where f.object_key = old.name and f.uploaded;
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
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
  'Trigger on storage.objects (bucket ndi-data): marks the files rows of an object uploaded when it lands and not uploaded when it is removed.';
revoke all on function private.sync_files_with_storage() from public;

create trigger sync_ndi_data_files_on_write
  after insert or update on storage.objects
  for each row when (new.bucket_id = 'ndi-data')
  execute function private.sync_files_with_storage();
create trigger sync_ndi_data_files_on_delete
  after delete on storage.objects
  for each row when (old.bucket_id = 'ndi-data')
  execute function private.sync_files_with_storage();
