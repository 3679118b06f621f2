-- Jobs: background work with a state machine, run by the worker as the service role.
--
-- Kinds: document_bulk_upload (zip of documents), document_bulk_download (zip of documents),
-- file_bulk_upload (zip of files: the API's bulk-upload jobs), publish, doi_deposit and purge
-- (removing the Storage objects of deleted datasets).
-- States: queued -> running -> complete | failed, plus cancelled; queued may also go straight to
-- complete, failed or cancelled, and running back to queued (retry). Terminal states are final.
-- The API shows file bulk uploads with its own state names: running is "extracting";
-- progress_done is filesExtracted and progress_total totalFiles.
--
-- Who may do what: members of the dataset's organization (and the job's creator) see its jobs,
-- platform admins all jobs;
-- members with upload rights queue uploads, readers queue downloads, organization admins queue
-- publishing and DOI deposits. Only the service role changes jobs.

create type public.job_kind as enum (
  'document_bulk_upload', 'document_bulk_download', 'file_bulk_upload', 'publish', 'doi_deposit', 'purge');
comment on type public.job_kind is 'What a job does.';

create type public.job_state as enum ('queued', 'running', 'complete', 'failed', 'cancelled');
comment on type public.job_state is
  'queued -> running -> complete | failed (or cancelled). For file bulk uploads the API calls running "extracting".';

create table public.jobs (
  id text primary key default private.object_id() check (id ~ '^[0-9a-f]{24}$'),
  kind public.job_kind not null,
  dataset_id text references public.datasets (id) on delete set null,
  state public.job_state not null default 'queued',
  params jsonb not null default '{}'::jsonb,
  result jsonb,
  progress_done integer not null default 0 check (progress_done >= 0),
  progress_total integer check (progress_total >= 0),
  error text,
  attempts integer not null default 0,
  run_after timestamptz not null default now(),
  locked_by text,
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  started_at timestamptz,
  completed_at timestamptz
);
comment on table public.jobs is 'Background jobs (bulk uploads and downloads, publishing, DOI deposits, purges) and their progress.';
comment on column public.jobs.id is 'Job id (the API''s `jobId`).';
comment on column public.jobs.kind is 'What the job does.';
comment on column public.jobs.dataset_id is 'The dataset it works on (`datasetId`); NULL once that dataset is purged.';
comment on column public.jobs.state is 'queued, running, complete, failed or cancelled.';
comment on column public.jobs.params is
  'Input, by kind: e.g. {"objectKey": …} of an uploaded zip, {"documentIds": […]} of a download, {"prefix", "keep", "objectKeys"} of a purge.';
comment on column public.jobs.result is 'Output, e.g. {"objectKey": …} of a download zip, a Crossref batch id.';
comment on column public.jobs.progress_done is 'Items done so far (`filesExtracted` for file bulk uploads).';
comment on column public.jobs.progress_total is 'Items in total when known (`totalFiles`).';
comment on column public.jobs.error is '`error`: why the job failed.';
comment on column public.jobs.attempts is 'How many times the job runner has started it.';
comment on column public.jobs.run_after is 'Not started before this time (retries with backoff, scheduled purges, zips not yet uploaded).';
comment on column public.jobs.locked_by is 'Job runner worker running it (graphile-worker id).';
comment on column public.jobs.created_by is 'Who asked for it (NULL for the server''s own jobs).';
comment on column public.jobs.created_at is '`createdAt`.';
comment on column public.jobs.updated_at is 'Last change.';
comment on column public.jobs.started_at is '`startedAt`: when it first became running.';
comment on column public.jobs.completed_at is '`completedAt`: when it reached complete, failed or cancelled.';

create index jobs_dataset_id_idx on public.jobs (dataset_id, id desc);
create index jobs_queue_idx on public.jobs (run_after, id) where state = 'queued';

-- ---------------------------------------------------------------- state machine

create or replace function private.advance_job_state() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    -- API callers can only name the kind, dataset, params and total (column privileges); the
    -- job is theirs and starts queued.
    if not private.caller_is_trusted() then
      new.created_by := private.current_user_id();
    end if;
  elsif new.state is distinct from old.state and old.state in ('complete', 'failed', 'cancelled') then
    raise exception 'job % is already %', old.id, old.state using errcode = '55000';
  end if;
  if new.state = 'running' and new.started_at is null then
    new.started_at := pg_catalog.now();
  end if;
  if new.state in ('complete', 'failed', 'cancelled') and new.completed_at is null then
    new.completed_at := pg_catalog.now();
  end if;
  return new;
end
$$;
comment on function private.advance_job_state() is
  'Trigger: API callers can only queue jobs; terminal states are final; started_at/completed_at follow the state.';
revoke all on function private.advance_job_state() from public;

create trigger advance_job_state before insert or update on public.jobs
  for each row execute function private.advance_job_state();
create trigger set_timestamps before insert or update on public.jobs
  for each row execute function private.set_timestamps();

-- The worker's way to take the next job: the oldest due queued job of the given kinds, locked so
-- that concurrent workers never take the same one.
-- ---------------------------------------------------------------- privileges and policies

alter table public.jobs enable row level security;

revoke all on public.jobs from anon, authenticated;
grant select, insert (kind, dataset_id, params, progress_total) on public.jobs to authenticated;
grant select on public.jobs to ndi_analyst;
grant all on public.jobs to service_role;

create policy "Members can see their datasets' jobs and users their own" on public.jobs
  for select to authenticated, ndi_analyst
  using (created_by = (select private.current_user_id()) or private.has_role_on_dataset(dataset_id));

create policy "Platform admins can see every job" on public.jobs
  for select to authenticated, ndi_analyst
  using ((select private.is_platform_admin()));

create policy "Members with upload rights can queue uploads" on public.jobs
  for insert to authenticated
  with check (kind in ('document_bulk_upload', 'file_bulk_upload') and private.can_write_dataset(dataset_id));

create policy "Readers can queue document downloads" on public.jobs
  for insert to authenticated
  with check (kind = 'document_bulk_download' and private.can_read_dataset(dataset_id));

create policy "Organization admins can queue publishing and DOI deposits" on public.jobs
  for insert to authenticated
  with check (kind in ('publish', 'doi_deposit') and private.can_admin_dataset(dataset_id));
