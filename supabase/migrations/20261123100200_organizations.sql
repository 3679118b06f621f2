-- Organizations and their members.
--
-- Roles, weakest first: viewer (reads the organization's unpublished datasets), member (also
-- creates and edits datasets, documents and files: the API's `canUploadDataset`), admin (also
-- publishes/unpublishes and manages members), owner (also manages owners; an organization always
-- keeps at least one). Platform admins hold every role in every organization.

create type public.org_role as enum ('viewer', 'member', 'admin', 'owner');
comment on type public.org_role is
  'Role in an organization, weakest first: viewer < member < admin < owner (enum order is used for "at least").';

create table public.organizations (
  id text primary key default private.object_id() check (id ~ '^[0-9a-f]{24}$'),
  name text not null check (btrim(name) <> ''),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.organizations is
  'Organizations (labs) that own datasets. The API''s `organizations[]` of a user are the ones they are a member of.';
comment on column public.organizations.id is '24-hex id (ObjectId shape), the API''s organization `id`.';
comment on column public.organizations.name is 'Display name.';
comment on column public.organizations.created_by is 'User who created it (NULL when created by the service role).';
comment on column public.organizations.created_at is 'When it was created.';
comment on column public.organizations.updated_at is 'Last change of this row.';

create table public.organization_members (
  organization_id text not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.org_role not null default 'member',
  can_upload_dataset boolean generated always as (role >= 'member'::public.org_role) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, user_id)
);
comment on table public.organization_members is 'Who belongs to which organization, with which role.';
comment on column public.organization_members.organization_id is 'The organization.';
comment on column public.organization_members.user_id is 'The member.';
comment on column public.organization_members.role is 'viewer, member, admin or owner.';
comment on column public.organization_members.can_upload_dataset is
  'Derived from role (member or above): the API''s organizations[].canUploadDataset.';
comment on column public.organization_members.created_at is 'When the user joined.';
comment on column public.organization_members.updated_at is 'Last role change.';

create index organization_members_user_id_idx on public.organization_members (user_id);

-- ---------------------------------------------------------------- membership helpers

-- "Has at least this role": p_min_role NULL means any membership. Platform admins have every role.
create or replace function private.has_role_on_org(p_organization_id text, p_min_role public.org_role default null)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_platform_admin()
      or exists (
        select 1 from public.organization_members m
        where m.organization_id = p_organization_id
          and m.user_id = private.current_user_id()
          and m.role >= coalesce(p_min_role, 'viewer'::public.org_role))
$$;
comment on function private.has_role_on_org(text, public.org_role) is
  'True when the current user has at least p_min_role (any role when NULL) in the organization, or is a platform admin.';

-- The same rule as a set, for policies on big tables: `organization_id in (select ...)` is computed
-- once per statement instead of once per row.
create or replace function private.member_organization_ids(p_min_role public.org_role default 'viewer')
returns setof text
language sql
stable
security definer
set search_path = ''
as $$
  select o.id from public.organizations o where private.is_platform_admin()
  union
  select m.organization_id from public.organization_members m
  where m.user_id = private.current_user_id() and m.role >= p_min_role
$$;
comment on function private.member_organization_ids(public.org_role) is
  'Ids of the organizations where the current user has at least p_min_role (all of them for platform admins).';

create or replace function private.shares_organization_with(p_user_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.organization_members mine
    join public.organization_members theirs on theirs.organization_id = mine.organization_id
    where mine.user_id = private.current_user_id() and theirs.user_id = p_user_id)
$$;
comment on function private.shares_organization_with(uuid) is
  'True when the current user and p_user_id are members of a common organization.';

revoke all on function private.has_role_on_org(text, public.org_role), private.member_organization_ids(public.org_role),
  private.shares_organization_with(uuid) from public;
grant execute on function private.has_role_on_org(text, public.org_role), private.member_organization_ids(public.org_role),
  private.shares_organization_with(uuid) to anon, authenticated, service_role, ndi_analyst;

-- ---------------------------------------------------------------- triggers

create or replace function private.protect_organization_fields() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  col text;
begin
  if private.caller_is_trusted() then
    return new;
  end if;
  if tg_op = 'INSERT' then
    new.created_by := private.current_user_id();
  else
    foreach col in array private.changed_columns(to_jsonb(old), to_jsonb(new), array['id', 'created_by']) loop
      perform private.raise_protected_column('organizations', col);
    end loop;
  end if;
  return new;
end
$$;
comment on function private.protect_organization_fields() is
  'Trigger: API callers cannot choose created_by or change an organization''s id.';

-- Whoever creates an organization through the API becomes its owner.
create or replace function private.add_creator_as_owner() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.created_by is not null then
    insert into public.organization_members (organization_id, user_id, role)
    values (new.id, new.created_by, 'owner')
    on conflict (organization_id, user_id) do update set role = 'owner';
  end if;
  return new;
end
$$;
comment on function private.add_creator_as_owner() is 'Trigger: the creator of an organization becomes its owner.';

-- Owners are managed by owners only, and the last owner cannot leave or be demoted (except when
-- the organization or the user's account is being deleted, which cascades here).
create or replace function private.protect_organization_members() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  col text;
  touches_owner boolean;
begin
  if tg_op = 'UPDATE' and not private.caller_is_trusted() then
    foreach col in array private.changed_columns(to_jsonb(old), to_jsonb(new), array['organization_id', 'user_id']) loop
      perform private.raise_protected_column('organization_members', col);
    end loop;
  end if;

  touches_owner := (tg_op <> 'DELETE' and new.role = 'owner') or (tg_op <> 'INSERT' and old.role = 'owner');
  if touches_owner and not private.caller_is_trusted()
     and not private.has_role_on_org(coalesce(new.organization_id, old.organization_id), 'owner') then
    raise exception 'only organization owners can add, change or remove owners' using errcode = '42501';
  end if;

  if tg_op <> 'INSERT' and old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner')
     and exists (select 1 from public.organizations o where o.id = old.organization_id)
     and exists (select 1 from public.profiles p where p.id = old.user_id)
     and not exists (
       select 1 from public.organization_members m
       where m.organization_id = old.organization_id and m.role = 'owner' and m.user_id <> old.user_id) then
    raise exception 'an organization must keep at least one owner' using errcode = '23514';
  end if;

  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end
$$;
comment on function private.protect_organization_members() is
  'Trigger: only owners manage owners; the last owner stays; API callers cannot move a membership to another org or user.';

revoke all on function private.protect_organization_fields(), private.add_creator_as_owner(),
  private.protect_organization_members() from public;

create trigger protect_organization_fields before insert or update on public.organizations
  for each row execute function private.protect_organization_fields();
create trigger set_timestamps before insert or update on public.organizations
  for each row execute function private.set_timestamps();
create trigger add_creator_as_owner after insert on public.organizations
  for each row execute function private.add_creator_as_owner();

create trigger protect_organization_members before insert or update or delete on public.organization_members
  for each row execute function private.protect_organization_members();
create trigger set_timestamps before insert or update on public.organization_members
  for each row execute function private.set_timestamps();

-- ---------------------------------------------------------------- privileges and policies

alter table public.organizations enable row level security;
alter table public.organization_members enable row level security;

revoke all on public.organizations, public.organization_members from anon, authenticated;
grant select, insert, update, delete on public.organizations, public.organization_members to authenticated;
grant select on public.organizations, public.organization_members to ndi_analyst;
grant all on public.organizations, public.organization_members to service_role;

create policy "Members can see their organizations" on public.organizations
  for select to authenticated, ndi_analyst
  using (private.has_role_on_org(id));

create policy "Platform admins can create organizations" on public.organizations
  for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "Organization admins can rename their organization" on public.organizations
  for update to authenticated
  using (private.has_role_on_org(id, 'admin'))
  with check (private.has_role_on_org(id, 'admin'));

create policy "Organization owners can delete their organization" on public.organizations
  for delete to authenticated
  using (private.has_role_on_org(id, 'owner'));

create policy "Members can see who belongs to their organizations" on public.organization_members
  for select to authenticated, ndi_analyst
  using (private.has_role_on_org(organization_id));

create policy "Organization admins can add members" on public.organization_members
  for insert to authenticated
  with check (private.has_role_on_org(organization_id, 'admin'));

create policy "Organization admins can change members' roles" on public.organization_members
  for update to authenticated
  using (private.has_role_on_org(organization_id, 'admin'))
  with check (private.has_role_on_org(organization_id, 'admin'));

create policy "Organization admins can remove members" on public.organization_members
  for delete to authenticated
  using (private.has_role_on_org(organization_id, 'admin'));

create policy "Members can leave an organization" on public.organization_members
  for delete to authenticated
  using (user_id = (select private.current_user_id()));

-- Profiles of the people one works with (names and e-mails in member lists).
create policy "Members can see the profiles of their organizations' members" on public.profiles
  for select to authenticated, ndi_analyst
  using (private.shares_organization_with(id));
