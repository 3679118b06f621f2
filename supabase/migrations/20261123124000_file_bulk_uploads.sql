-- File bulk uploads (R43, R45, R46): a file_bulk_upload job waits, queued, for its zip and starts
-- the moment the zip lands, with no polling anywhere.
--
-- The route queues the job with params {"objectKey": "<datasetId>/bulk-uploads/<uuid>.zip"} and
-- hands out a signed upload URL for that key. Queueing schedules the job for when that URL has
-- expired (its deadline); when the zip's object lands first, the storage trigger below moves the
-- job to now. So the task runs once the zip is there, or at the deadline to fail a job whose zip
-- never came. Extraction itself is the gateway's file_bulk_upload task (gateway/jobs/tasks/).
--
-- Files extracted by the server also carry the SHA-256 of their bytes (files.sha256), which only
-- the server can vouch for: single-file uploads go from the client straight to Storage and carry
-- Storage's eTag (files.checksum) only.

create or replace function private.wait_for_bulk_upload_zip() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Storage's signed upload URLs live 2 hours; an upload still in flight then gets some grace.
  new.run_after := pg_catalog.now() + interval '2 hours 10 minutes';
  return new;
end
$$;
comment on function private.wait_for_bulk_upload_zip() is
  'Trigger: a new bulk-upload job (file or document) runs at its deadline unless its zip lands first.';
revoke all on function private.wait_for_bulk_upload_zip() from public;

create trigger wait_for_bulk_upload_zip before insert on public.jobs
  for each row when (new.kind = 'file_bulk_upload') execute function private.wait_for_bulk_upload_zip();

-- Moves a queued job's run to now: its row and its graphile-worker job (replacing the scheduled
-- one; private.schedule_job only adds). While graphile_worker is not installed yet, the row's
-- run_after is what the runner schedules at start.
create or replace function private.run_job_now(p_job_id text) returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  job_kind public.job_kind;
begin
  update public.jobs j set run_after = pg_catalog.now()
  where j.id = p_job_id and j.state = 'queued'
  returning j.kind into job_kind;
  if not found or pg_catalog.to_regprocedure(
       'graphile_worker.add_job(text, json, text, timestamptz, integer, text, integer, text[], text)') is null then
    return;
  end if;
  execute 'select graphile_worker.add_job($1, $2, run_at => $3, job_key => $4, job_key_mode => ''replace'')'
    using job_kind::text, pg_catalog.json_build_object('jobId', p_job_id), pg_catalog.now(), 'ndi_job:' || p_job_id;
end
$$;
comment on function private.run_job_now(text) is
  'Runs queued job p_job_id as soon as a worker is free instead of at its scheduled time; nothing for a job that is not queued.';
revoke all on function private.run_job_now(text) from public;

-- One function for every kind of bulk upload: each kind's trigger passes its job kind (tg_argv[0])
-- and fires only for the key folder its zips land in (document_bulk_uploads adds the second).
create or replace function private.start_bulk_upload_job() returns trigger
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
      and j.kind = tg_argv[0]::public.job_kind and j.state = 'queued' and j.params ->> 'objectKey' = new.name
  loop
    perform private.run_job_now(job_id);
  end loop;
  return null;
end
$$;
comment on function private.start_bulk_upload_job() is
  'Trigger on storage.objects (bucket ndi-data): a bulk-upload zip that lands starts its queued job of the kind the trigger names.';
revoke all on function private.start_bulk_upload_job() from public;

create trigger start_file_bulk_upload
  after insert or update on storage.objects
  for each row when (new.bucket_id = 'ndi-data' and pg_catalog.split_part(new.name, '/', 2) = 'bulk-uploads')
  execute function private.start_bulk_upload_job('file_bulk_upload');

-- ---------------------------------------------------------------- SHA-256 of extracted files

alter table public.files add column sha256 text check (sha256 ~ '^[0-9a-f]{64}$');
comment on column public.files.sha256 is
  'SHA-256 (hex) of the bytes when the server computed it (files extracted from bulk-upload zips); null for bytes it never saw (single-file uploads: see checksum). Cleared when the bytes change.';

create or replace function private.protect_file_sha256() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not private.caller_is_trusted()
     and ((tg_op = 'INSERT' and new.sha256 is not null) or (tg_op = 'UPDATE' and new.sha256 is distinct from old.sha256)) then
    perform private.raise_protected_column('files', 'sha256');
  end if;
  -- New bytes (another eTag) that came without their own SHA-256: the old one no longer holds.
  if tg_op = 'UPDATE' and new.checksum is distinct from old.checksum and new.sha256 is not distinct from old.sha256 then
    new.sha256 := null;
  end if;
  return new;
end
$$;
comment on function private.protect_file_sha256() is
  'Trigger: only the server sets files.sha256, and it is cleared when the bytes change without a new one.';
revoke all on function private.protect_file_sha256() from public;

create trigger protect_file_sha256 before insert or update on public.files
  for each row execute function private.protect_file_sha256();
