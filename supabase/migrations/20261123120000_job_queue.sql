-- Job queue: every queued row of public.jobs is executed by graphile-worker, which the gateway
-- process runs (gateway/jobs/). public.jobs stays the one user-visible record (state, progress,
-- result, error); graphile_worker only carries "run job <id> of task <kind>" with its locking,
-- retries with back-off and run_at.
--
-- Enqueueing is inserting a public.jobs row, as the caller (the insert policies decide who may)
-- or by server code such as private.purge_dataset: the trigger below adds the graphile-worker job
-- in the same transaction, so a rolled-back request leaves neither behind.
--
-- The graphile_worker schema is installed by the runner when it starts, not by these migrations,
-- so the functions here call it dynamically and do nothing while it is missing; the runner then
-- schedules every pending row (public.schedule_pending_jobs) once its schema exists. The job key
-- `ndi_job:<id>` makes scheduling the same row twice harmless.

create or replace function private.schedule_job(p_job_id text, p_kind public.job_kind, p_run_after timestamptz)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
begin
  if pg_catalog.to_regprocedure(
       'graphile_worker.add_job(text, json, text, timestamptz, integer, text, integer, text[], text)') is null then
    return false;
  end if;
  -- max_attempts: the task's own limit (gateway/jobs) decides when a job has failed for good;
  -- graphile-worker's default of 25 is only the outer bound.
  execute 'select graphile_worker.add_job($1, $2, run_at => $3, job_key => $4, job_key_mode => ''unsafe_dedupe'')'
    using p_kind::text, pg_catalog.json_build_object('jobId', p_job_id), p_run_after, 'ndi_job:' || p_job_id;
  return true;
end
$$;
comment on function private.schedule_job(text, public.job_kind, timestamptz) is
  'Adds the graphile-worker job that runs public.jobs row p_job_id (task = kind, not before p_run_after); false while graphile_worker is not installed yet.';
revoke all on function private.schedule_job(text, public.job_kind, timestamptz) from public;

create or replace function private.schedule_inserted_job() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.schedule_job(new.id, new.kind, new.run_after);
  return null;
end
$$;
comment on function private.schedule_inserted_job() is
  'Trigger: a queued public.jobs row gets its graphile-worker job in the inserting transaction.';
revoke all on function private.schedule_inserted_job() from public;

create trigger schedule_inserted_job after insert on public.jobs
  for each row when (new.state = 'queued') execute function private.schedule_inserted_job();

create or replace function public.schedule_pending_jobs() returns integer
language sql
volatile
security definer
set search_path = ''
as $$
  select pg_catalog.count(*)::integer
  from public.jobs j
  where j.state in ('queued', 'running') and private.schedule_job(j.id, j.kind, j.run_after)
$$;
comment on function public.schedule_pending_jobs() is
  'Job runner (service role), at start: schedules every queued or interrupted job (e.g. queued before graphile_worker was installed); returns how many. Rows already scheduled are left as they are.';
revoke all on function public.schedule_pending_jobs() from public, anon, authenticated;
grant execute on function public.schedule_pending_jobs() to service_role;
