-- Document bulk uploads (contract R38): a document_bulk_upload job waits, queued, for its zip at
-- params.objectKey = '<datasetId>/document-uploads/<uuid>.zip' and starts the moment the zip
-- lands, exactly as file bulk uploads do (file_bulk_uploads migration, whose deadline trigger
-- function and private.run_job_now are reused here): it runs at the upload URL's deadline
-- otherwise, to fail a job whose zip never came. The gateway's document_bulk_upload task ingests it.

create trigger wait_for_document_upload_zip before insert on public.jobs
  for each row when (new.kind = 'document_bulk_upload') execute function private.wait_for_bulk_upload_zip();

create or replace function private.start_document_bulk_upload() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  job_id text;
begin
  for job_id in
    select j.id from public.jobs j
    where j.dataset_id = pg_catalog.split_part(new.name, '/', 1)
      and j.kind = 'document_bulk_upload' and j.state = 'queued' and j.params ->> 'objectKey' = new.name
  loop
    perform private.run_job_now(job_id);
  end loop;
  return null;
end
$$;
comment on function private.start_document_bulk_upload() is
  'Trigger on storage.objects (bucket ndi-data): a document bulk-upload zip that lands starts its queued job.';
revoke all on function private.start_document_bulk_upload() from public;

create trigger start_document_bulk_upload
  after insert or update on storage.objects
  for each row when (new.bucket_id = 'ndi-data' and pg_catalog.split_part(new.name, '/', 2) = 'document-uploads')
  execute function private.start_document_bulk_upload();
