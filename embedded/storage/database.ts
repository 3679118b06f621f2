// Every SQL statement of the Storage server. Statements run either as the caller (runAs: role and
// JWT claims set transaction-locally, so RLS on storage.buckets / storage.objects decides, as on
// Supabase) or as the server itself on the superuser pool, for lookups the API does before RLS
// (bucket limits, signed URLs) and for writing rows once the bytes are durable.
import postgres from "postgres";
import { runAs } from "../../gateway/db/run-as.ts";
import type { RequestClaims } from "../../gateway/db/claims.ts";
import { ERRORS } from "./errors.ts";

/** The superuser pool or a transaction (as the caller or the server). */
export type Queryable = postgres.Sql | postgres.TransactionSql;

/** Who a statement runs as: a verified caller, or `null` for the server itself (bypasses RLS). */
export type Actor = RequestClaims | null;

export interface BucketRow {
  id: string;
  name: string;
  owner: string | null;
  public: boolean;
  type: string;
  file_size_limit: number | null;
  allowed_mime_types: string[] | null;
  created_at: Date;
  updated_at: Date;
}

export interface ObjectMetadata {
  eTag: string;
  size: number;
  mimetype: string;
  cacheControl: string;
  lastModified: string;
  contentLength: number;
  httpStatusCode: number;
}

export interface ObjectRow {
  id: string;
  bucket_id: string;
  name: string;
  owner: string | null;
  owner_id: string | null;
  /** Names the object's bytes on disk; null for rows written outside the Storage API, which have none. */
  version: string | null;
  metadata: Partial<ObjectMetadata> | null;
  user_metadata: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  last_accessed_at: Date;
}

export interface NewObjectRow {
  bucketId: string;
  name: string;
  owner: string | undefined;
  version: string;
  metadata: Partial<ObjectMetadata>;
  userMetadata: Record<string, unknown> | undefined;
}

export type BucketSortColumn = "id" | "name" | "created_at" | "updated_at";
export type SortOrder = "asc" | "desc";
export type ObjectSortColumn = "name" | "updated_at" | "created_at" | "last_accessed_at";

export function inTransactionAs<T>(
  sql: postgres.Sql,
  actor: Actor,
  work: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return actor ? runAs(sql, actor, work) : (sql.begin(work) as Promise<T>);
}

const ROLLED_BACK = Symbol("rolled back");

/** Runs `work` as `actor` and rolls it back: how Supabase asks RLS "would this be allowed?". */
export async function testPermission(
  sql: postgres.Sql,
  actor: Actor,
  work: (tx: postgres.TransactionSql) => Promise<unknown>,
): Promise<void> {
  try {
    await inTransactionAs(sql, actor, async (tx) => {
      await work(tx);
      throw ROLLED_BACK;
    });
  } catch (error) {
    if (error !== ROLLED_BACK) throw error;
  }
}

/** Deletes on storage tables are refused unless the Storage API says so, for this transaction only. */
async function allowDeletes(tx: postgres.TransactionSql): Promise<void> {
  await tx`select set_config('storage.allow_delete_query', 'true', true)`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Supabase fills the deprecated uuid `owner` only when the JWT subject is a uuid; `owner_id` always. */
function ownerColumns(owner: string | undefined) {
  return { owner: owner && UUID.test(owner) ? owner : null, owner_id: owner ?? null };
}

// ---------------------------------------------------------------- buckets

const bucketColumns = (sql: Queryable) => sql`
  id, name, owner, public, type::text as type, file_size_limit::float8 as file_size_limit,
  allowed_mime_types, created_at, updated_at`;

export async function findBucket(sql: Queryable, bucketId: string): Promise<BucketRow | undefined> {
  const [bucket] = await sql<BucketRow[]>`select ${bucketColumns(sql)} from storage.buckets where id = ${bucketId}`;
  return bucket;
}

export async function mustFindBucket(sql: Queryable, bucketId: string): Promise<BucketRow> {
  const bucket = await findBucket(sql, bucketId);
  if (!bucket) throw ERRORS.noSuchBucket();
  return bucket;
}

export function listBuckets(
  tx: postgres.TransactionSql,
  options: { limit?: number; offset: number; search?: string; sortColumn: BucketSortColumn; sortOrder: SortOrder },
): Promise<BucketRow[]> {
  const order = options.sortOrder === "desc" ? tx`desc` : tx`asc`;
  return tx<BucketRow[]>`
    select ${bucketColumns(tx)} from storage.buckets
    where ${options.search ? tx`name ilike ${"%" + escapeLike(options.search) + "%"}` : tx`true`}
    order by ${tx(options.sortColumn)} ${order}
    limit ${options.limit ?? null} offset ${options.offset}`;
}

export async function insertBucket(
  tx: postgres.TransactionSql,
  bucket: { id: string; public: boolean; fileSizeLimit: number | null; allowedMimeTypes: string[] | null; type: string; owner: string | undefined },
): Promise<void> {
  const { owner, owner_id } = ownerColumns(bucket.owner);
  try {
    await tx`
      insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types, type)
      values (${bucket.id}, ${bucket.id}, ${owner}, ${owner_id}, ${bucket.public}, ${bucket.fileSizeLimit},
              ${bucket.allowedMimeTypes}, ${bucket.type}::storage.buckettype)`;
  } catch (error) {
    if (error instanceof postgres.PostgresError && error.code === "23505") throw ERRORS.bucketAlreadyExists();
    throw error;
  }
}

/** Fields left undefined keep their value; null clears a limit. Returns false if no visible bucket matched. */
export async function updateBucket(
  tx: postgres.TransactionSql,
  bucketId: string,
  changes: { public?: boolean; fileSizeLimit?: number | null; allowedMimeTypes?: string[] | null },
): Promise<boolean> {
  const rows = await tx`
    update storage.buckets set
      public = coalesce(${changes.public ?? null}, public),
      file_size_limit = case when ${changes.fileSizeLimit !== undefined} then ${changes.fileSizeLimit ?? null}::bigint
                             else file_size_limit end,
      allowed_mime_types = case when ${changes.allowedMimeTypes !== undefined} then ${changes.allowedMimeTypes ?? null}::text[]
                                else allowed_mime_types end,
      updated_at = now()
    where id = ${bucketId}
    returning id`;
  return rows.length > 0;
}

export async function bucketHasObjects(sql: postgres.Sql, bucketId: string): Promise<boolean> {
  const [row] = await sql<{ found: boolean }[]>`
    select exists (select 1 from storage.objects where bucket_id = ${bucketId}) as found`;
  return row!.found;
}

export async function deleteBucket(tx: postgres.TransactionSql, bucketId: string): Promise<boolean> {
  await allowDeletes(tx);
  const rows = await tx`delete from storage.buckets where id = ${bucketId} returning id`;
  return rows.length > 0;
}

// ---------------------------------------------------------------- objects

const objectColumns = (sql: Queryable) => sql`
  id, bucket_id, name, owner, owner_id, version, metadata, user_metadata, created_at, updated_at, last_accessed_at`;

export async function findObject(
  sql: Queryable,
  bucketId: string,
  name: string,
): Promise<ObjectRow | undefined> {
  const [object] = await sql<ObjectRow[]>`
    select ${objectColumns(sql)} from storage.objects where bucket_id = ${bucketId} and name = ${name}`;
  return object;
}

export async function mustFindObject(
  sql: Queryable,
  bucketId: string,
  name: string,
): Promise<ObjectRow> {
  const object = await findObject(sql, bucketId, name);
  if (!object) throw ERRORS.noSuchKey();
  return object;
}

export async function findObjectNames(tx: postgres.TransactionSql, bucketId: string, names: string[]): Promise<Set<string>> {
  const rows = await tx<{ name: string }[]>`
    select name from storage.objects where bucket_id = ${bucketId} and name = any(${names}::text[])`;
  return new Set(rows.map((row) => row.name));
}

/** The statement whose permission Supabase tests before an upload: an insert, or an upsert. */
export async function insertObject(tx: postgres.TransactionSql, row: NewObjectRow, upsert: boolean): Promise<string> {
  const { owner, owner_id } = ownerColumns(row.owner);
  const values = tx`
    (${row.bucketId}, ${row.name}, ${owner}, ${owner_id}, ${tx.json(row.metadata as postgres.JSONValue)},
     ${row.userMetadata ? tx.json(row.userMetadata as postgres.JSONValue) : null}, ${row.version})`;
  const [inserted] = await tx<{ id: string }[]>`
    insert into storage.objects (bucket_id, name, owner, owner_id, metadata, user_metadata, version)
    values ${values}
    ${upsert ? tx`on conflict (bucket_id, name) do update set
        owner = excluded.owner, owner_id = excluded.owner_id, metadata = excluded.metadata,
        user_metadata = excluded.user_metadata, version = excluded.version,
        updated_at = now(), last_accessed_at = now()` : tx``}
    returning id`;
  return inserted!.id;
}

/**
 * Writes the row for bytes that are already durable, in one transaction: the object's key is
 * locked so concurrent writers of the same name queue up, and the version it replaces (whose file
 * is now garbage) is returned.
 */
export function saveObject(
  sql: postgres.Sql,
  row: NewObjectRow,
  upsert: boolean,
): Promise<{ id: string; replacedVersion: string | null | undefined }> {
  return sql.begin(async (tx) => {
    await lockObjectKey(tx, row.bucketId, row.name);
    const [current] = await tx<{ version: string | null }[]>`
      select version from storage.objects where bucket_id = ${row.bucketId} and name = ${row.name}`;
    const id = await insertObject(tx, row, upsert);
    return { id, replacedVersion: current?.version };
  }) as Promise<{ id: string; replacedVersion: string | null | undefined }>;
}

async function lockObjectKey(tx: postgres.TransactionSql, bucketId: string, name: string): Promise<void> {
  await tx`select pg_advisory_xact_lock(hashtextextended(${bucketId + "/" + name}, 0))`;
}

/** Deletes the named objects the actor may delete; returns the deleted rows (their files are garbage). */
export function deleteObjects(sql: postgres.Sql, actor: Actor, bucketId: string, names: string[]): Promise<ObjectRow[]> {
  return inTransactionAs(sql, actor, async (tx) => {
    await allowDeletes(tx);
    return tx<ObjectRow[]>`
      delete from storage.objects where bucket_id = ${bucketId} and name = any(${names}::text[])
      returning ${objectColumns(tx)}`;
  });
}

export function deleteAllObjects(sql: postgres.Sql, actor: Actor, bucketId: string): Promise<{ version: string | null }[]> {
  return inTransactionAs(sql, actor, async (tx) => {
    await allowDeletes(tx);
    return tx<{ version: string | null }[]>`delete from storage.objects where bucket_id = ${bucketId} returning version`;
  });
}

/** Renames (and possibly re-buckets) a row; bytes are stored by version, so nothing moves on disk. */
export async function renameObject(
  tx: postgres.TransactionSql,
  from: { bucketId: string; name: string },
  to: { bucketId: string; name: string; owner: string | undefined },
): Promise<ObjectRow> {
  const { owner, owner_id } = ownerColumns(to.owner);
  const [moved] = await tx<ObjectRow[]>`
    update storage.objects
    set bucket_id = ${to.bucketId}, name = ${to.name}, owner = ${owner}, owner_id = ${owner_id}, updated_at = now()
    where bucket_id = ${from.bucketId} and name = ${from.name}
    returning ${objectColumns(tx)}`;
  if (!moved) throw ERRORS.noSuchKey();
  return moved;
}

export interface SearchOptions {
  prefix: string;
  limit: number;
  offset: number;
  search: string;
  sortColumn: ObjectSortColumn;
  sortOrder: SortOrder;
}

export interface SearchEntry {
  name: string;
  id: string | null;
  updated_at: Date | null;
  created_at: Date | null;
  last_accessed_at: Date | null;
  metadata: ObjectMetadata | null;
}

export function searchObjects(tx: postgres.TransactionSql, bucketId: string, options: SearchOptions): Promise<SearchEntry[]> {
  return tx<SearchEntry[]>`
    select * from storage.search(${options.prefix}, ${bucketId}, ${options.limit}, 1, ${options.offset},
                                 ${options.search}, ${options.sortColumn}, ${options.sortOrder})`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
