-- Synthetic NDI data, part 2: documents number `synthetic.first` .. `synthetic.last` (default
-- 1 .. 200 000) for the datasets of part 1 (synthetic-datasets.sql): every fourth in "synthetic
-- dataset 1" (the big one), the others spread over datasets 2 to 151. Ranges can be loaded in
-- parallel sessions. Documents look like NDI's: base (id, session_id, name, datestamp),
-- document_class with superclasses (12 classes, lineage up to 3 deep), two depends_on entries and
-- a property block with strings and numbers.
--   psql "$DB" -c "set synthetic.last = 300000" -f sql/tests/synthetic-documents.sql

insert into public.documents (dataset_id, data)
select ds.id,
       jsonb_build_object(
         'base', jsonb_build_object(
           'id', lpad(to_hex(g), 16, '0') || '_' || substr(md5(g::text), 1, 16),
           'session_id', 'session_' || (g % 97),
           'name', c.class_name || ' ' || g,
           'datestamp', '2026-03-15T14:30:05.123Z'),
         'document_class', jsonb_build_object(
           'class_name', c.class_name,
           'definition', '$NDIDOCUMENTPATH/' || c.class_name || '.json',
           'class_version', 1,
           'superclasses', c.superclasses),
         'depends_on', jsonb_build_array(
           jsonb_build_object('name', 'subject_id',
                              'value', lpad(to_hex(g - g % 50), 16, '0') || '_' || substr(md5((g - g % 50)::text), 1, 16)),
           jsonb_build_object('name', 'element_id', 'value', 'element_' || (g % 1000))),
         c.class_name, jsonb_build_object(
           'name', 'probe' || (g % 100),
           'reference', g % 5,
           'type', (array['n-trode', 'patch', 'stimulator', 'camera'])[1 + g % 4],
           'sample_rate', 20000 + (g % 3) * 10000,
           't0_t1', jsonb_build_array(0, g % 3600)))
from generate_series(
       coalesce(nullif(current_setting('synthetic.first', true), ''), '1')::int,
       coalesce(nullif(current_setting('synthetic.last', true), ''), '200000')::int) g
join (
  select n, class_name,
         (select jsonb_agg(jsonb_build_object('definition', '$NDIDOCUMENTPATH/' || s || '.json')) from unnest(supers) s) as superclasses
  from (values
    (0, 'subject', '{base}'::text[]),
    (1, 'element', '{base}'),
    (2, 'element_epoch', '{base,epoch}'),
    (3, 'probe', '{element,base}'),
    (4, 'daqsystem', '{base}'),
    (5, 'stimulus_presentation', '{base,epoch}'),
    (6, 'spike_sorting_parameters', '{base,app}'),
    (7, 'neuron_extracellular', '{element,base}'),
    (8, 'treatment', '{base}'),
    (9, 'openminds_subject', '{openminds,base}'),
    (10, 'syncrule', '{base}'),
    (11, 'oneepoch', '{element_epoch,epoch,base}')) as classes (n, class_name, supers)
) c on c.n = g % 12
join public.datasets ds on ds.name = 'synthetic dataset ' || (case when g % 4 = 0 then 1 else 2 + abs(hashint4(g)) % 150 end)
order by g;
