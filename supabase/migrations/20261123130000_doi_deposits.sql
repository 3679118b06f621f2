-- DOI registration with Crossref: the DOI minted for each published dataset and the identity of
-- its last deposit, written only by the crossref-deposit Edge Function (service role). The state
-- users see stays on public.datasets (doi, doi_status, doi_status_message, doi_batch_id); this
-- table holds what the deposits need to stay consistent across retries and restarts:
--   * one DOI per dataset, for good (primary key and unique DOI), so a retry or a re-publish
--     re-deposits the same DOI;
--   * the Crossref timestamp of every deposit, so the next one is larger (Crossref refuses a
--     record whose version does not grow; the database DOI is in every deposit, hence max over all);
--   * the uploaded file name, the key for polling the submission log.
-- API callers have no access; admins read public.dataset_doi_status (service role, Studio, CLI).

create table public.dataset_dois (
  dataset_id text primary key references public.datasets (id) on delete cascade,
  doi text not null unique check (doi ~ '^10\.[0-9]{4,9}/.{1,200}$'),
  deposit_timestamp numeric(19, 0),
  deposit_file_name text,
  deposit_xml text,
  deposit_warnings jsonb not null default '[]'::jsonb check (jsonb_typeof(deposit_warnings) = 'array'),
  deposited_at timestamptz,
  polls integer not null default 0 check (polls >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.dataset_dois is
  'The DOI registered for each dataset and its last Crossref deposit. Written by the crossref-deposit function only.';
comment on column public.dataset_dois.dataset_id is 'The dataset (one DOI per dataset, never two).';
comment on column public.dataset_dois.doi is 'The bare DOI, e.g. 10.63884/ndic.2026.k3x9q0ab; datasets.doi shows it as https://doi.org/….';
comment on column public.dataset_dois.deposit_timestamp is
  'Crossref head/timestamp of the last deposit (yyyyMMddHHmmssSSS, UTC): the next deposit must be larger.';
comment on column public.dataset_dois.deposit_file_name is 'Name of the uploaded file of the last deposit: how its submission log is fetched.';
comment on column public.dataset_dois.deposit_xml is 'The XML of the last deposit (XSD-valid), or the rejected XML when validation refused it.';
comment on column public.dataset_dois.deposit_warnings is 'What the deposit left out or shortened (e.g. an invalid ORCID), for an admin to fix.';
comment on column public.dataset_dois.deposited_at is 'When Crossref accepted the last deposit for processing.';
comment on column public.dataset_dois.polls is 'Submission-log requests made for the last deposit.';
comment on column public.dataset_dois.created_at is 'When the DOI was minted.';
comment on column public.dataset_dois.updated_at is 'Last change.';

create index dataset_dois_file_name_idx on public.dataset_dois (deposit_file_name) where deposit_file_name is not null;

create trigger set_timestamps before insert or update on public.dataset_dois
  for each row execute function private.set_timestamps();

alter table public.dataset_dois enable row level security;
revoke all on public.dataset_dois from anon, authenticated;
grant all on public.dataset_dois to service_role;

-- ---------------------------------------------------------------- admin view

create view public.dataset_doi_status with (security_invoker = true) as
  select d.id as dataset_id,
         d.name,
         d.is_published,
         coalesce(r.doi, d.doi) as doi,
         d.doi_status,
         d.doi_status_message,
         d.doi_status_updated_at,
         d.doi_batch_id,
         r.deposit_file_name,
         r.deposit_warnings,
         r.deposited_at,
         r.polls,
         (select j.id from public.jobs j
          where j.dataset_id = d.id and j.kind = 'doi_deposit' and j.state in ('queued', 'running')
          order by j.id desc limit 1) as active_job_id
  from public.datasets d
  left join public.dataset_dois r on r.dataset_id = d.id
  where d.doi_status is not null;
comment on view public.dataset_doi_status is
  'Admin view: the Crossref DOI state and message of every dataset with a DOI registration (npm run admin -- doi-status).';
revoke all on public.dataset_doi_status from anon, authenticated;
grant select on public.dataset_doi_status to service_role;
