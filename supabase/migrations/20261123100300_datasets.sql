-- Datasets: every field of the API's Dataset object, the publish and DOI state, maintained
-- counters, branches and soft delete.
--
-- Who may do what (RLS below, helpers private.can_*_dataset):
--   read      published datasets: everyone, anon included; unpublished ones: members of the
--             owning organization (any role) and platform admins. Soft-deleted ones: nobody through
--             normal reads (see the deletion migration for the deleted lists).
--   create    members with upload rights (member, admin, owner) of the organization.
--   edit      members with upload rights while the dataset is unpublished; organization admins and
--             owners (and platform admins) also while it is published.
--   publish   is_published changes only by organization admins/owners or platform admins.
--   server    id, organization, counters, DOI registration state, soft-delete and timestamp columns
--             are written by the server only (trigger below); branch_of only at creation.
-- Published datasets are a snapshot: their documents and files cannot be changed by anybody
-- through the API (can_write_dataset is false for them); unpublish first, or branch.

create type public.doi_status as enum ('pending', 'submitted', 'registered', 'failed');
comment on type public.doi_status is
  'State of the dataset''s Crossref DOI: pending -> submitted -> registered | failed.';

create table public.datasets (
  id text primary key default private.object_id() check (id ~ '^[0-9a-f]{24}$'),
  organization_id text not null references public.organizations (id) on delete restrict,
  name text not null,
  description text,
  abstract text,
  branch_name text,
  branch_of text references public.datasets (id) on delete set null,
  contributors jsonb default '[]'::jsonb,
  corresponding_authors jsonb default '[]'::jsonb,
  funding jsonb,
  associated_publications jsonb,
  license text,
  doi text,
  species text,
  brain_regions text,
  number_of_subjects integer,
  neurons integer,
  pub_med_id text,
  affiliation text,
  extra_metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(extra_metadata) = 'object'),
  is_submitted boolean not null default false,
  submitted_at timestamptz,
  is_published boolean not null default false,
  published_at timestamptz,
  doi_status public.doi_status,
  doi_status_message text,
  doi_status_updated_at timestamptz,
  doi_batch_id text,
  document_count integer not null default 0,
  document_bytes bigint not null default 0,
  file_count integer not null default 0,
  total_size bigint not null default 0,
  deleted_at timestamptz,
  delete_after timestamptz,
  deleted_by uuid references public.profiles (id) on delete set null,
  created_by uuid references public.profiles (id) on delete set null,
  updated_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint datasets_soft_delete_fields check ((deleted_at is null) = (delete_after is null)),
  constraint datasets_published_not_deleted check (not (is_published and deleted_at is not null)),
  constraint datasets_not_own_branch check (branch_of is distinct from id)
);
comment on table public.datasets is
  'NDI datasets: the API''s Dataset object. Metadata fields are stored as the clients send them.';
comment on column public.datasets.id is '24-hex id (ObjectId shape): the API''s `id` and `_id`.';
comment on column public.datasets.organization_id is 'Owning organization (`organizationId`); fixed after creation.';
comment on column public.datasets.name is 'Title (`name`).';
comment on column public.datasets.description is '`description` (the Python client''s field for the abstract).';
comment on column public.datasets.abstract is '`abstract` (the MATLAB client''s field, used as the Crossref description).';
comment on column public.datasets.branch_name is '`branchName` given when creating a branch.';
comment on column public.datasets.branch_of is '`branchOf`: the dataset this one was branched from; set only at creation.';
comment on column public.datasets.contributors is
  '`contributors` as sent, normally [{firstName, lastName, orcid}] (the MATLAB client writes `orchid`; kept as given).';
comment on column public.datasets.corresponding_authors is '`correspondingAuthors` as sent (same shape as contributors).';
comment on column public.datasets.funding is '`funding` as sent: [{source}] or a single {source} object.';
comment on column public.datasets.associated_publications is '`associatedPublications` as sent: [{DOI, title, PMID, PMCID}].';
comment on column public.datasets.license is '`license`, e.g. CC-BY-4.0 or ccByNcSa4_0.';
comment on column public.datasets.doi is
  '`doi` as supplied on create/update (may be a placeholder), or the DOI the server registered. Read-only once a deposit started (doi_status set).';
comment on column public.datasets.species is '`species` (comma-separated).';
comment on column public.datasets.brain_regions is '`brainRegions` (comma-separated).';
comment on column public.datasets.number_of_subjects is '`numberOfSubjects`.';
comment on column public.datasets.neurons is '`neurons`.';
comment on column public.datasets.pub_med_id is '`pubMedId`.';
comment on column public.datasets.affiliation is '`affiliation`.';
comment on column public.datasets.extra_metadata is
  'Any other top-level fields a client sent on create/update, kept verbatim and returned merged into the Dataset object.';
comment on column public.datasets.is_submitted is '`isSubmitted`: submitted for review.';
comment on column public.datasets.submitted_at is 'When is_submitted last became true (NULL while not submitted).';
comment on column public.datasets.is_published is
  '`isPublished`. Published datasets are readable by everyone; only organization admins/owners and platform admins change it.';
comment on column public.datasets.published_at is 'When is_published last became true (NULL while unpublished).';
comment on column public.datasets.doi_status is 'Crossref registration state of the DOI (NULL: none requested). Server-written.';
comment on column public.datasets.doi_status_message is 'Last message from the DOI deposit (e.g. Crossref''s error). Server-written.';
comment on column public.datasets.doi_status_updated_at is 'When doi_status last changed.';
comment on column public.datasets.doi_batch_id is 'Crossref doi_batch_id of the last deposit. Server-written.';
comment on column public.datasets.document_count is
  '`documentCount`: live (not soft-deleted) documents. Maintained by statement triggers on documents.';
comment on column public.datasets.document_bytes is 'Total JSON size of the live documents, in bytes. Trigger-maintained.';
comment on column public.datasets.file_count is 'Number of uploaded files. Trigger-maintained.';
comment on column public.datasets.total_size is '`totalSize`: bytes of the uploaded files. Trigger-maintained.';
comment on column public.datasets.deleted_at is
  'Soft delete (`isDeleted`, `deleteCommandTime`): set by public.delete_dataset; the dataset then disappears from normal reads.';
comment on column public.datasets.delete_after is
  '`deleteOccurrenceTime`: when the soft-deleted dataset is purged for good; it can be undeleted until then.';
comment on column public.datasets.deleted_by is 'Who soft-deleted it.';
comment on column public.datasets.created_by is 'Who created it.';
comment on column public.datasets.updated_by is 'Who changed it last through the API.';
comment on column public.datasets.created_at is '`createdAt`.';
comment on column public.datasets.updated_at is '`updatedAt`: moves on every change, including document and file counts.';

-- Hot paths: an organization's datasets newest first, published datasets newest first, branches
-- of a dataset, the deleted lists and the purge queue.
create index datasets_organization_id_idx on public.datasets (organization_id, id desc) where deleted_at is null;
create index datasets_published_idx on public.datasets (id desc) where is_published and deleted_at is null;
create index datasets_submitted_idx on public.datasets (id desc) where is_submitted and not is_published and deleted_at is null;
create index datasets_branch_of_idx on public.datasets (branch_of) where branch_of is not null;
create index datasets_deleted_idx on public.datasets (organization_id, deleted_at desc) where deleted_at is not null;
create index datasets_delete_after_idx on public.datasets (delete_after) where deleted_at is not null;

-- ---------------------------------------------------------------- permission helpers

create or replace function private.can_read_dataset(p_dataset_id text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.datasets d
    where d.id = p_dataset_id
      and d.deleted_at is null
      and (d.is_published or private.has_role_on_org(d.organization_id)))
$$;
comment on function private.can_read_dataset(text) is
  'True when the current user may read the (live) dataset: published, or member of its organization, or platform admin.';

create or replace function private.can_write_dataset(p_dataset_id text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.datasets d
    where d.id = p_dataset_id
      and d.deleted_at is null
      and not d.is_published
      and private.has_role_on_org(d.organization_id, 'member'))
$$;
comment on function private.can_write_dataset(text) is
  'True when the current user may change the dataset and its documents and files: live, unpublished, and member with upload rights (or platform admin).';

create or replace function private.can_admin_dataset(p_dataset_id text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.datasets d
    where d.id = p_dataset_id
      and d.deleted_at is null
      and private.has_role_on_org(d.organization_id, 'admin'))
$$;
comment on function private.can_admin_dataset(text) is
  'True when the current user is an admin/owner of the (live) dataset''s organization or a platform admin: may publish, unpublish and request DOIs.';

-- Membership in the dataset's organization whatever the dataset's state (jobs, deleted lists).
create or replace function private.has_role_on_dataset(p_dataset_id text, p_min_role public.org_role default null)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.datasets d
    where d.id = p_dataset_id and private.has_role_on_org(d.organization_id, p_min_role))
$$;
comment on function private.has_role_on_dataset(text, public.org_role) is
  'True when the current user has at least p_min_role in the dataset''s organization, whether or not the dataset is published or deleted.';

-- Set forms of can_read_dataset / can_write_dataset for the policies of documents and files,
-- which may filter hundreds of thousands of rows: evaluated once per statement.
create or replace function private.readable_dataset_ids() returns setof text
language sql
stable
security definer
set search_path = ''
as $$
  select d.id from public.datasets d
  where d.deleted_at is null
    and (d.is_published or d.organization_id in (select private.member_organization_ids()))
$$;
comment on function private.readable_dataset_ids() is 'Ids of the datasets for which private.can_read_dataset() is true.';

create or replace function private.writable_dataset_ids() returns setof text
language sql
stable
security definer
set search_path = ''
as $$
  select d.id from public.datasets d
  where d.deleted_at is null
    and not d.is_published
    and d.organization_id in (select private.member_organization_ids('member'))
$$;
comment on function private.writable_dataset_ids() is 'Ids of the datasets for which private.can_write_dataset() is true.';

revoke all on function private.can_read_dataset(text), private.can_write_dataset(text), private.can_admin_dataset(text),
  private.has_role_on_dataset(text, public.org_role), private.readable_dataset_ids(), private.writable_dataset_ids()
  from public;
grant execute on function private.can_read_dataset(text), private.can_write_dataset(text), private.can_admin_dataset(text),
  private.has_role_on_dataset(text, public.org_role), private.readable_dataset_ids(), private.writable_dataset_ids()
  to anon, authenticated, service_role, ndi_analyst;

-- ---------------------------------------------------------------- field protection

create or replace function private.protect_dataset_fields() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  col text;
  caller_trusted boolean := private.caller_is_trusted();
begin
  if not caller_trusted then
    if tg_op = 'INSERT' then
      if new.is_published then
        raise exception 'datasets are created unpublished; an organization admin publishes them afterwards'
          using errcode = '42501';
      end if;
      if new.deleted_at is not null or new.delete_after is not null then
        perform private.raise_protected_column('datasets', 'deleted_at');
      end if;
      if new.doi_status is not null or new.doi_batch_id is not null or new.doi_status_message is not null then
        perform private.raise_protected_column('datasets', 'doi_status');
      end if;
      if new.branch_of is not null and not private.can_read_dataset(new.branch_of) then
        raise exception 'cannot branch from a dataset you cannot read' using errcode = '42501';
      end if;
      new.document_count := 0;
      new.document_bytes := 0;
      new.file_count := 0;
      new.total_size := 0;
      new.deleted_by := null;
      new.created_by := private.current_user_id();
      new.updated_by := new.created_by;
    else
      foreach col in array private.changed_columns(to_jsonb(old), to_jsonb(new), array[
        'id', 'organization_id', 'branch_of', 'created_by', 'submitted_at', 'published_at',
        'doi_status', 'doi_status_message', 'doi_status_updated_at', 'doi_batch_id',
        'document_count', 'document_bytes', 'file_count', 'total_size',
        'deleted_at', 'delete_after', 'deleted_by']) loop
        perform private.raise_protected_column('datasets', col);
      end loop;
      if new.is_published is distinct from old.is_published
         and not private.has_role_on_org(old.organization_id, 'admin') then
        raise exception 'only organization admins and owners (or platform admins) can publish or unpublish a dataset'
          using errcode = '42501';
      end if;
      if new.doi is distinct from old.doi and old.doi_status is not null then
        raise exception 'the DOI of a dataset with a DOI registration cannot be changed' using errcode = '42501';
      end if;
      new.updated_by := private.current_user_id();
    end if;
  end if;

  -- For everybody: the timestamps of state changes follow the flags.
  if tg_op = 'INSERT' then
    if new.is_submitted and new.submitted_at is null then new.submitted_at := pg_catalog.now(); end if;
    if new.is_published and new.published_at is null then new.published_at := pg_catalog.now(); end if;
    if new.doi_status is not null and new.doi_status_updated_at is null then new.doi_status_updated_at := pg_catalog.now(); end if;
  else
    if new.is_submitted is distinct from old.is_submitted then
      new.submitted_at := case when new.is_submitted then pg_catalog.now() end;
    end if;
    if new.is_published is distinct from old.is_published then
      new.published_at := case when new.is_published then pg_catalog.now() end;
    end if;
    if new.doi_status is distinct from old.doi_status then
      new.doi_status_updated_at := pg_catalog.now();
    end if;
  end if;
  return new;
end
$$;
comment on function private.protect_dataset_fields() is
  'Trigger: API callers cannot set server-maintained columns, move a dataset between organizations, or publish/unpublish without being an organization admin; keeps submitted_at/published_at/doi_status_updated_at.';
revoke all on function private.protect_dataset_fields() from public;

create trigger protect_dataset_fields before insert or update on public.datasets
  for each row execute function private.protect_dataset_fields();
create trigger set_timestamps before insert or update on public.datasets
  for each row execute function private.set_timestamps();

-- ---------------------------------------------------------------- privileges and policies

alter table public.datasets enable row level security;

-- No DELETE for the API roles: deleting goes through public.delete_dataset (soft delete, purge).
revoke all on public.datasets from anon, authenticated;
grant select on public.datasets to anon, ndi_analyst;
grant select, insert, update on public.datasets to authenticated;
grant all on public.datasets to service_role;

create policy "Published datasets are visible to everyone" on public.datasets
  for select to anon, authenticated, ndi_analyst
  using (is_published and deleted_at is null);

create policy "Members can see their organization's datasets" on public.datasets
  for select to authenticated, ndi_analyst
  using (deleted_at is null and organization_id in (select private.member_organization_ids()));

create policy "Members with upload rights can create datasets" on public.datasets
  for insert to authenticated
  with check (organization_id in (select private.member_organization_ids('member')));

create policy "Members with upload rights can edit unpublished datasets" on public.datasets
  for update to authenticated
  using (deleted_at is null and not is_published and organization_id in (select private.member_organization_ids('member')))
  with check (deleted_at is null and organization_id in (select private.member_organization_ids('member')));

create policy "Organization admins can edit and publish their datasets" on public.datasets
  for update to authenticated
  using (deleted_at is null and organization_id in (select private.member_organization_ids('admin')))
  with check (deleted_at is null and organization_id in (select private.member_organization_ids('admin')));
