-- Synthetic NDI data, part 1: 20 organizations ("Synthetic lab N") and 2 000 datasets
-- ("synthetic dataset N", every third one published). Part 2 (synthetic-documents.sql) fills
-- them. Used by the plan checks in tests/integration/schema.indexes.test.ts and for benchmarks.
-- Run as the superuser on a migrated database:
--   psql "$DB" -f sql/tests/synthetic-datasets.sql -f sql/tests/synthetic-documents.sql

with orgs as (
  insert into public.organizations (name)
  select 'Synthetic lab ' || g from generate_series(1, 20) g
  returning id
), numbered as (
  select id, row_number() over (order by id) as n from orgs
)
insert into public.datasets (organization_id, name, is_published, species, number_of_subjects)
select o.id, 'synthetic dataset ' || g, g % 3 = 0, 'Mus musculus', g % 40
from generate_series(1, 2000) g
join numbered o on o.n = 1 + g % 20
order by g;
