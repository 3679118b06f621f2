-- Document bulk uploads (contract R38): a document_bulk_upload job waits, queued, for its zip at
-- params.objectKey = '<datasetId>/document-uploads/<uuid>.zip' and starts the moment the zip
-- lands, exactly as file bulk uploads do (file_bulk_uploads migration, whose trigger functions
-- private.wait_for_bulk_upload_zip and private.start_bulk_upload_job are reused here): it runs at the upload URL's deadline
-- otherwise, to fail a job whose zip never came. The gateway's document_bulk_upload task ingests it.

create trigger wait_for_document_upload_zip before insert on public.jobs
  for each row when (new.kind = 'document_bulk_upload') execute function private.wait_for_bulk_upload_zip();

create trigger start_document_bulk_upload
  after insert or update on storage.objects
  for each row when (new.bucket_id = 'ndi-data' and pg_catalog.split_part(new.name, '/', 2) = 'document-uploads')
  execute function private.start_bulk_upload_job('document_bulk_upload');
