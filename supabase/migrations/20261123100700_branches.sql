-- Branches: a branch is a new dataset (branch_of = the parent) holding a copy of the parent's live
-- documents and files at branch time. Documents are copied (new ids, same JSON, same order); files
-- are copied as rows pointing at the parent's objects, so no bytes are copied and the shared
-- objects can no longer be replaced or removed through the API (storage migration).
--
-- Security invoker: every statement is an ordinary RLS-checked insert, so the caller must be able
-- to read the parent and have upload rights in the organization that receives the branch.

create or replace function public.branch_dataset(
  p_dataset_id text,
  p_branch_name text default null,
  p_organization_id text default null
) returns public.datasets
language plpgsql
security invoker
set search_path = ''
as $$
declare
  parent public.datasets;
  branch public.datasets;
begin
  select * into parent from public.datasets d where d.id = p_dataset_id and d.deleted_at is null;
  if not found then
    raise exception 'dataset % not found', p_dataset_id using errcode = 'P0002';
  end if;

  insert into public.datasets (
    organization_id, name, description, abstract, branch_name, branch_of, contributors, corresponding_authors,
    funding, associated_publications, license, species, brain_regions, number_of_subjects, neurons, pub_med_id,
    affiliation, extra_metadata)
  values (
    coalesce(p_organization_id, parent.organization_id), parent.name, parent.description, parent.abstract,
    p_branch_name, parent.id, parent.contributors, parent.corresponding_authors, parent.funding,
    parent.associated_publications, parent.license, parent.species, parent.brain_regions,
    parent.number_of_subjects, parent.neurons, parent.pub_med_id, parent.affiliation, parent.extra_metadata)
  returning * into branch;

  insert into public.documents (dataset_id, data)
  select branch.id, d.data from public.documents d
  where d.dataset_id = parent.id and d.deleted_at is null
  order by d.id;

  insert into public.files (dataset_id, uid, object_key, size, checksum, content_type)
  select branch.id, f.uid, f.object_key, f.size, f.checksum, f.content_type
  from public.files f where f.dataset_id = parent.id;

  select * into branch from public.datasets d where d.id = branch.id;
  return branch;
end
$$;
comment on function public.branch_dataset(text, text, text) is
  'POST /datasets/{id}/branch: creates a branch of a readable dataset (in its organization unless p_organization_id is given) sharing its documents and files; returns the new dataset. Errors: P0002 not found, 42501 no upload rights.';
revoke all on function public.branch_dataset(text, text, text) from public, anon, authenticated;
grant execute on function public.branch_dataset(text, text, text) to authenticated, service_role;
