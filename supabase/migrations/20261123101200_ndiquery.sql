-- ndiquery: the indexed part of a document search, under the caller's read rights.
--
-- Under RLS Postgres will not use a condition as an index condition unless its operator is
-- leakproof (otherwise a failing or side-effecting condition could reveal rows the policy hides).
-- `=` on text is leakproof, so listing a dataset, counting classes and looking up an NDI id use
-- their btree indexes in ordinary queries as the caller. The containment operators behind `isa`,
-- `depends_on` and exact field values (`@>` on text[] and jsonb) are not, so their GIN indexes
-- would never be used. public.find_document_ids runs those conditions without RLS, as a
-- security definer, restricted by the very same rule the SELECT policy applies
-- (private.readable_dataset_ids()), and returns ids; the gateway then reads the rows through RLS
-- as usual and applies the rest of the query there:
--
--   select id, ndi_id, name, class_name, dataset_id from public.documents
--   where id in (select public.find_document_ids('public', array['subject']))
--     and <conditions without an index, e.g. name ilike …>
--   order by id limit 20 offset 0;

-- The query find_document_ids runs (exposed so that its plan can be checked with EXPLAIN).
create or replace function private.find_document_ids_sql(
  p_scope text,
  p_classes text[] default null,
  p_depends_on jsonb default null,
  p_contains jsonb default null
) returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  scope text := pg_catalog.lower(pg_catalog.btrim(coalesce(p_scope, 'all')));
  dataset_ids text[];
  conditions text[] := array['d.deleted_at is null', 'd.dataset_id in (select private.readable_dataset_ids())'];
begin
  if scope = 'public' then
    conditions := conditions || 'd.dataset_id in (select p.id from public.datasets p where p.is_published)'::text;
  elsif scope = 'private' then
    conditions := conditions || 'd.dataset_id in (select p.id from public.datasets p where not p.is_published)'::text;
  elsif scope <> 'all' then
    select pg_catalog.array_agg(pg_catalog.btrim(part)) into dataset_ids
    from pg_catalog.unnest(pg_catalog.string_to_array(scope, ',')) as part
    where pg_catalog.btrim(part) <> '';
    if dataset_ids is null or exists (select 1 from pg_catalog.unnest(dataset_ids) as id where id !~ '^[0-9a-f]{24}$') then
      raise exception 'scope must be public, private, all or a comma-separated list of dataset ids' using errcode = '22023';
    end if;
    conditions := conditions || pg_catalog.format('d.dataset_id = any (%L::text[])', dataset_ids);
  end if;
  if p_classes is not null and pg_catalog.cardinality(p_classes) > 0 then
    conditions := conditions || pg_catalog.format('d.class_lineage @> %L::text[]', p_classes);
  end if;
  if p_depends_on is not null then
    conditions := conditions || pg_catalog.format('d.depends_on @> %L::jsonb', p_depends_on);
  end if;
  if p_contains is not null then
    conditions := conditions || pg_catalog.format('d.data @> %L::jsonb', p_contains);
  end if;
  return 'select d.id from public.documents d where ' || pg_catalog.array_to_string(conditions, ' and ');
end
$$;
comment on function private.find_document_ids_sql(text, text[], jsonb, jsonb) is
  'The SQL text public.find_document_ids executes for these arguments (values quoted as literals).';

create or replace function public.find_document_ids(
  p_scope text,
  p_classes text[] default null,
  p_depends_on jsonb default null,
  p_contains jsonb default null
) returns setof text
language plpgsql
stable
security definer
set search_path = ''
rows 1000
as $$
begin
  return query execute private.find_document_ids_sql(p_scope, p_classes, p_depends_on, p_contains);
end
$$;
comment on function public.find_document_ids(text, text[], jsonb, jsonb) is
  'ndiquery''s indexed conditions: ids of live documents the caller may read, in scope (public, private, all, or comma-separated dataset ids; unreadable ids are ignored), whose class lineage contains all of p_classes (isa), whose depends_on contains p_depends_on (e.g. [{"name":"subject_id","value":"…"}], or [{"value":"…"}] for any name), and whose JSON contains p_contains (exact values at any path). 22023 on a malformed scope.';

revoke all on function private.find_document_ids_sql(text, text[], jsonb, jsonb) from public;
grant execute on function private.find_document_ids_sql(text, text[], jsonb, jsonb) to anon, authenticated, service_role, ndi_analyst;
revoke all on function public.find_document_ids(text, text[], jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.find_document_ids(text, text[], jsonb, jsonb) to anon, authenticated, service_role, ndi_analyst;
