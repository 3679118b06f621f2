-- Documents API: how non-finite numbers are stored, and reading them as numbers.
--
-- JSON has no NaN or Infinity. MATLAB sends them as bare tokens; the gateway stores them in
-- documents.data as the sentinel strings the NDI clients already understand (contract 3.4):
-- "__NDI__NaN__", "__NDI__Infinity__", "__NDI__-Infinity__". Every other number is stored as
-- jsonb numeric, digit for digit as it was sent (no rounding through a double).
--
-- Analysts read a value as a number, sentinels included, with public.ndi_numeric:
--   select public.ndi_numeric(data #> '{element,gain}') from public.documents;
-- which returns numeric 'NaN' / 'Infinity' / '-Infinity' for the sentinels (numeric has them),
-- the number for a JSON number, and NULL for anything else. Cast to double precision for
-- IEEE semantics; note that numeric 'NaN' = 'NaN' and sorts above every number.

create or replace function public.ndi_numeric(value jsonb) returns numeric
language sql
immutable
parallel safe
strict
set search_path = ''
as $$
  select case pg_catalog.jsonb_typeof(value)
    when 'number' then (value #>> '{}')::numeric
    when 'string' then case value #>> '{}'
      when '__NDI__NaN__' then 'NaN'::numeric
      when '__NDI__Infinity__' then 'Infinity'::numeric
      when '__NDI__-Infinity__' then '-Infinity'::numeric
    end
  end
$$;
comment on function public.ndi_numeric(jsonb) is
  'A document value as a number: JSON numbers exactly, the NaN/Infinity sentinel strings ("__NDI__NaN__", "__NDI__Infinity__", "__NDI__-Infinity__") as numeric NaN/Infinity/-Infinity, anything else NULL. Used by ndiquery''s numeric comparisons and by analysts.';

revoke all on function public.ndi_numeric(jsonb) from public;
grant execute on function public.ndi_numeric(jsonb) to anon, authenticated, service_role, ndi_analyst;

comment on column public.documents.data is
  'The NDI document as uploaded (base, document_class, depends_on, files, property blocks); returned verbatim by downloads. Numbers are kept exactly; NaN/Infinity/-Infinity are stored as the strings "__NDI__NaN__", "__NDI__Infinity__", "__NDI__-Infinity__" (read them as numbers with public.ndi_numeric).';
