-- Document bulk downloads (contract R39): the zip a document_bulk_download job wrote, found by
-- the job id and the token handed out with its URL. Clients fetch that URL with no Authorization
-- header (PY requests.get, ML curl), so the token is the credential; the job's params hold it and
-- its result the zip's object key ({"objectKey": "<datasetId>/document-downloads/<token>.zip"}).

create or replace function public.document_download(p_job_id text, p_token text)
returns table (state public.job_state, object_key text, error text)
language sql
stable
security definer
set search_path = ''
as $$
  select j.state, j.result ->> 'objectKey', j.error
  from public.jobs j
  where j.id = p_job_id and j.kind = 'document_bulk_download'
    and p_token is not null and j.params ->> 'token' = p_token
$$;
comment on function public.document_download(text, text) is
  'GET /document-downloads/{jobId}?token=: state, zip object key (once complete) and error of a document bulk download, for whoever holds its token; no row for a wrong id or token.';

revoke all on function public.document_download(text, text) from public;
grant execute on function public.document_download(text, text) to anon, authenticated, service_role;
