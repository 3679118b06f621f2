-- Example queries for an analyst's SQL session (psql "<connection string from analyst-grant>").
-- Every query sees exactly the rows the NDI Cloud API shows the analyst's user: published datasets,
-- plus the unpublished ones of the user's organizations. The session is read-only and its
-- search_path is `analyst, public`, so the views below need no schema prefix.

-- Who am I acting as, and in which organizations?
select p.name, p.email, m.organization_id, o.name as organization, m.role, m.can_upload_dataset
from public.profiles p
join public.organization_members m on m.user_id = p.id
join public.organizations o on o.id = m.organization_id
where p.id = private.current_user_id();

-- Datasets I can see, newest first, with their size.
select id, name, organization_name, is_published, document_count, file_count,
       pg_size_pretty(total_size) as files
from analyst.datasets
order by id desc
limit 20;

-- Document classes of one dataset (the API's document-class-counts).
select class_name, documents
from analyst.document_class_counts
where dataset_id = '<dataset id>'
order by documents desc;

-- Documents of a class or any subclass (ndiquery `isa`), with their session.
select id, dataset_name, name, class_name, session_id
from analyst.documents
where class_lineage @> array['element']
order by id
limit 100;

-- What depends on a given document (ndiquery `depends_on`, any dependency name).
select id, name, class_name, depends_on
from analyst.documents
where depends_on @> jsonb_build_array(jsonb_build_object('value', '<ndi id>'));

-- The same search through the indexes on a large database: find_document_ids applies the same read
-- rule and can use the GIN indexes, which plain queries under RLS cannot (see the ndiquery migration).
select d.id, d.name, d.class_name, d.dataset_id
from public.documents d
where d.id in (select public.find_document_ids('all', array['element'], null, '{"element": {"type": "n-trode"}}'))
order by d.id
limit 100;

-- A property of every document of a class, as a table.
select data #>> '{base,session_id}' as session, data #>> '{element,name}' as element,
       (data #>> '{element,reference}')::int as reference
from analyst.documents
where class_name = 'element' and dataset_id = '<dataset id>';

-- Files of a dataset, and where their bytes live (source_dataset_id: shared from a parent dataset).
select uid, size, uploaded, source_dataset_id
from analyst.files
where dataset_id = '<dataset id>'
order by uid;
