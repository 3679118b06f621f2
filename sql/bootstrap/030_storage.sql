-- Supabase-compatibility bootstrap, part 3: the `storage` schema as Supabase Storage keeps it
-- (buckets, objects, the path helpers) so that storage RLS policies written for Supabase behave
-- the same here. Bytes live on local disk; these rows are the index the policies see.

create schema if not exists storage;
grant usage on schema storage to anon, authenticated, service_role;

create table if not exists storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  public boolean default false,
  avif_autodetection boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[]
);
create unique index if not exists bname on storage.buckets (name);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';

create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  user_metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text
);
create unique index if not exists bucketid_objname on storage.objects (bucket_id, name);
create index if not exists name_prefix_search on storage.objects (name text_pattern_ops);
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
grant all on storage.buckets, storage.objects to anon, authenticated, service_role;

-- Path helpers, same results as Supabase's: foldername('a/b/c.txt') = {a,b}, filename = 'c.txt',
-- extension = 'txt' (the whole file name when it has no dot).
create or replace function storage.foldername(name text) returns text[]
language plpgsql immutable
as $$
declare
  parts text[];
begin
  parts := string_to_array(name, '/');
  return parts[1 : array_length(parts, 1) - 1];
end
$$;

create or replace function storage.filename(name text) returns text
language plpgsql immutable
as $$
declare
  parts text[];
begin
  parts := string_to_array(name, '/');
  return parts[array_length(parts, 1)];
end
$$;

create or replace function storage.extension(name text) returns text
language plpgsql immutable
as $$
declare
  parts text[];
  file_name text;
begin
  parts := string_to_array(name, '/');
  file_name := parts[array_length(parts, 1)];
  return reverse(split_part(reverse(file_name), '.', 1));
end
$$;

grant execute on function storage.foldername(text), storage.filename(text), storage.extension(text)
  to anon, authenticated, service_role;

-- Supabase blocks direct DELETEs so that rows never outlive or orphan their bytes; the Storage API
-- sets storage.allow_delete_query for its own deletes.
create or replace function storage.protect_delete() returns trigger
language plpgsql
as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') <> 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.',
            errcode = '42501';
  end if;
  return null;
end
$$;

drop trigger if exists protect_objects_delete on storage.objects;
create trigger protect_objects_delete before delete on storage.objects
  for each statement execute function storage.protect_delete();
drop trigger if exists protect_buckets_delete on storage.buckets;
create trigger protect_buckets_delete before delete on storage.buckets
  for each statement execute function storage.protect_delete();

-- Bucket types as Supabase has them; only STANDARD buckets hold objects here.
do $$
begin
  create type storage.buckettype as enum ('STANDARD', 'ANALYTICS', 'VECTOR');
exception
  when duplicate_object then null;
end
$$;
alter table storage.buckets add column if not exists type storage.buckettype not null default 'STANDARD';

-- One folder level of a bucket, as POST /object/list returns it: objects directly under `prefix`
-- (a folder path ending in '/', or '') and one entry per subfolder (id and metadata null), names
-- relative to the prefix. `search` narrows to names starting with prefix || search, case-
-- insensitively, as on Supabase. Same signature as Supabase's (`levels` is unused there too);
-- SECURITY INVOKER, so the caller's RLS on storage.objects decides what is listed.
create or replace function storage.search(
  prefix text,
  bucketname text,
  limits int default 100,
  levels int default 1,
  offsets int default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
) returns table (
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
language sql stable security invoker
as $$
  with matched as (
    select o.*,
           substring(o.name from length(search.prefix) + 1) as relative_name,
           strpos(substring(o.name from length(search.prefix || search.search) + 1), '/') as slash_after_search
    from storage.objects o
    where o.bucket_id = search.bucketname
      and starts_with(lower(o.name), lower(search.prefix || search.search))
  ),
  entries as (
    select distinct left(relative_name, length(search.search) + slash_after_search - 1) as name,
           null::uuid as id, null::timestamptz as updated_at, null::timestamptz as created_at,
           null::timestamptz as last_accessed_at, null::jsonb as metadata, true as is_folder
    from matched where slash_after_search > 0
    union all
    select relative_name, matched.id, matched.updated_at, matched.created_at, matched.last_accessed_at,
           matched.metadata, false
    from matched where slash_after_search = 0
  ),
  ordered as (
    select entries.*,
           case lower(search.sortcolumn)
             when 'updated_at' then entries.updated_at
             when 'created_at' then entries.created_at
             when 'last_accessed_at' then entries.last_accessed_at
           end as sort_time,
           lower(search.sortcolumn) in ('updated_at', 'created_at', 'last_accessed_at') as by_time,
           lower(search.sortorder) = 'desc' as descending
    from entries
  )
  select ordered.name, ordered.id, ordered.updated_at, ordered.created_at, ordered.last_accessed_at, ordered.metadata
  from ordered
  order by
    -- Sorted by a timestamp, folders (which have none) come first, by name.
    case when by_time then not is_folder end,
    case when by_time and not descending then sort_time end asc,
    case when by_time and descending then sort_time end desc,
    case when not descending then lower(ordered.name) collate "C" end asc,
    case when descending then lower(ordered.name) collate "C" end desc
  limit least(coalesce(search.limits, 100), 1500) offset coalesce(search.offsets, 0)
$$;

grant execute on function storage.search(text, text, int, int, int, text, text, text)
  to anon, authenticated, service_role;
