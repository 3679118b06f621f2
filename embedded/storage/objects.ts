// Object operations: each one checks permission the way Supabase Storage does (the caller's RLS
// decides, usually by trying the statement in a rolled-back transaction), moves bytes through the
// disk store, and writes the row only once the bytes are durable. Bytes that lose their row
// (overwritten, deleted, or orphaned by a failed write) are removed after the row change commits.
import { randomUUID } from "node:crypto";
import type postgres from "postgres";
import type { RequestClaims } from "../../gateway/db/claims.ts";
import {
  deleteObjects,
  findObjectNames,
  inTransactionAs,
  insertObject,
  mustFindBucket,
  mustFindObject,
  renameObject,
  saveObject,
  searchObjects,
  testPermission,
  type Actor,
  type NewObjectRow,
  type ObjectMetadata,
  type ObjectRow,
  type SearchEntry,
  type SearchOptions,
} from "./database.ts";
import type { ObjectDiskStore } from "./disk-store.ts";
import { ERRORS } from "./errors.ts";
import { objectUrl, signDownloadToken, signUploadToken, verifyDownloadToken } from "./signed-tokens.ts";
import type { UploadBody } from "./upload-body.ts";

export interface StorageServices {
  sql: postgres.Sql;
  store: ObjectDiskStore;
  jwtSecret: string;
  fileSizeLimit: number;
  uploadUrlExpiresIn: number;
}

export interface ObjectKey {
  bucketId: string;
  name: string;
}

export interface UploadRequest extends ObjectKey {
  body: UploadBody;
  /** Whose RLS decides; null when a signed upload URL has already authorised the write. */
  actor: Actor;
  owner: string | undefined;
  upsert: boolean;
}

export async function uploadObject(services: StorageServices, request: UploadRequest): Promise<{ id: string }> {
  const { sql, store } = services;
  const { body } = request;
  const bucket = await mustFindBucket(sql, request.bucketId);
  assertAllowedMimeType(bucket.allowed_mime_types, body.mimetype);
  const maxBytes = Math.min(bucket.file_size_limit ?? Infinity, services.fileSizeLimit);
  if ((body.declaredSize ?? 0) > maxBytes) throw ERRORS.entityTooLarge();

  const row = {
    bucketId: request.bucketId,
    name: request.name,
    owner: request.owner,
    version: randomUUID(),
    userMetadata: body.userMetadata,
  };
  // Refuse before a byte is read: a denied or duplicate upload must not stream gigabytes first.
  await testPermission(sql, request.actor, (tx) =>
    insertObject(tx, { ...row, metadata: { mimetype: body.mimetype, contentLength: body.declaredSize } }, request.upsert),
  );

  const staged = await store.stage(body.content, maxBytes, body.declaredSize);
  const metadata: ObjectMetadata = {
    eTag: staged.eTag,
    size: staged.size,
    mimetype: body.mimetype,
    cacheControl: body.cacheControl,
    lastModified: new Date().toISOString(),
    contentLength: staged.size,
    httpStatusCode: 200,
  };
  return writeRowForDurableBytes(services, { ...row, metadata }, request.upsert, () => store.commit(staged, row.version));
}

/**
 * Puts the bytes of `row.version` in place, then writes the row in one transaction; on failure
 * removes the new bytes, on success the bytes of the version the row replaced.
 */
async function writeRowForDurableBytes(
  services: StorageServices,
  row: NewObjectRow,
  upsert: boolean,
  placeBytes: () => Promise<void>,
): Promise<{ id: string }> {
  let saved: Awaited<ReturnType<typeof saveObject>>;
  try {
    await placeBytes();
    saved = await saveObject(services.sql, row, upsert);
  } catch (error) {
    await services.store.remove([row.version]);
    throw error;
  }
  if (saved.replacedVersion) await services.store.remove([saved.replacedVersion]);
  return { id: saved.id };
}

/** `allowed_mime_types` entries are exact types or `type/*` wildcards; parameters are ignored. */
function assertAllowedMimeType(allowed: string[] | null, mimetype: string): void {
  if (!allowed || allowed.length === 0) return;
  const [type, subtype] = mimetype.split(";")[0]!.trim().toLowerCase().split("/");
  const permitted = allowed.some((entry) => {
    const [allowedType, allowedSubtype] = entry.toLowerCase().split("/");
    return allowedType === type && (allowedSubtype === "*" || allowedSubtype === subtype);
  });
  if (!subtype || !permitted) throw ERRORS.invalidMimeType(mimetype);
}

/**
 * An object the caller may read, as Supabase decides it: public buckets are readable by anyone
 * (no RLS); private ones only with a valid token, under the caller's RLS. A bucket the caller
 * may not know about is reported missing.
 */
export async function findReadableObject(
  services: StorageServices,
  key: ObjectKey,
  caller: RequestClaims | undefined,
  { publicOnly = false } = {},
): Promise<ObjectRow> {
  const bucket = await mustFindBucket(services.sql, key.bucketId);
  if (bucket.public) return mustFindObject(services.sql, key.bucketId, key.name);
  if (!caller || publicOnly) throw ERRORS.noSuchBucket();
  return inTransactionAs(services.sql, caller, (tx) => mustFindObject(tx, key.bucketId, key.name));
}

export async function removeObjects(services: StorageServices, caller: RequestClaims, bucketId: string, names: string[]) {
  const deleted = await deleteObjects(services.sql, caller, bucketId, names);
  await services.store.remove(deleted.map((row) => row.version));
  return deleted;
}

/** The single-object delete: a missing object is NoSuchKey, one RLS keeps the caller from deleting AccessDenied. */
export async function removeObject(services: StorageServices, caller: RequestClaims, key: ObjectKey): Promise<void> {
  await mustFindObject(services.sql, key.bucketId, key.name);
  const deleted = await removeObjects(services, caller, key.bucketId, [key.name]);
  if (deleted.length === 0) throw ERRORS.accessDenied();
}

export async function moveObject(services: StorageServices, caller: RequestClaims, from: ObjectKey, to: ObjectKey): Promise<ObjectRow> {
  await mustFindBucket(services.sql, to.bucketId);
  const destination = { ...to, owner: caller.sub };
  await testPermission(services.sql, caller, async (tx) => {
    await mustFindObject(tx, from.bucketId, from.name);
    await renameObject(tx, from, destination);
  });
  // Bytes are stored by version, so a move never touches them.
  return services.sql.begin((tx) => renameObject(tx, from, destination)) as Promise<ObjectRow>;
}

export async function copyObject(
  services: StorageServices,
  caller: RequestClaims,
  from: ObjectKey,
  to: ObjectKey,
  upsert: boolean,
): Promise<ObjectRow> {
  const { sql, store } = services;
  await mustFindBucket(sql, to.bucketId);
  const source = await inTransactionAs(sql, caller, (tx) => mustFindObject(tx, from.bucketId, from.name));
  const sourceVersion = source.version;
  if (!sourceVersion) throw ERRORS.noSuchKey();
  const row: NewObjectRow = {
    bucketId: to.bucketId,
    name: to.name,
    owner: caller.sub,
    version: randomUUID(),
    metadata: { ...source.metadata, lastModified: new Date().toISOString() },
    userMetadata: source.user_metadata ?? undefined,
  };
  await testPermission(sql, caller, (tx) => insertObject(tx, row, upsert));
  await writeRowForDurableBytes(services, row, upsert, () => store.duplicate(sourceVersion, row.version));
  return mustFindObject(sql, to.bucketId, to.name);
}

export function listObjects(
  services: StorageServices,
  caller: RequestClaims,
  bucketId: string,
  options: SearchOptions,
): Promise<SearchEntry[]> {
  // The prefix names a folder; Supabase adds the trailing slash the client leaves out.
  const prefix = options.prefix === "" || options.prefix.endsWith("/") ? options.prefix : `${options.prefix}/`;
  return inTransactionAs(services.sql, caller, (tx) => searchObjects(tx, bucketId, { ...options, prefix }));
}

/** The object a signed download token grants, and when the grant ends. */
export async function findSignedObject(
  services: StorageServices,
  key: ObjectKey,
  token: string | undefined,
): Promise<{ object: ObjectRow; expiresAt: Date }> {
  const grant = await verifyDownloadToken(services.jwtSecret, token, objectUrl(key.bucketId, key.name));
  return { object: await mustFindObject(services.sql, key.bucketId, key.name), expiresAt: new Date(grant.exp * 1000) };
}

/** A signed download path for an object the caller can see, relative to the Storage base URL. */
export async function signDownloadPath(
  services: StorageServices,
  caller: RequestClaims,
  key: ObjectKey,
  expiresIn: number,
): Promise<string> {
  await inTransactionAs(services.sql, caller, (tx) => mustFindObject(tx, key.bucketId, key.name));
  return signedDownloadPath(services, key, expiresIn);
}

export async function signDownloadPaths(
  services: StorageServices,
  caller: RequestClaims,
  bucketId: string,
  names: string[],
  expiresIn: number,
): Promise<{ path: string; signedURL: string | null; error: string | null }[]> {
  const visible = await inTransactionAs(services.sql, caller, (tx) => findObjectNames(tx, bucketId, names));
  return Promise.all(
    names.map(async (name) =>
      visible.has(name)
        ? { path: name, signedURL: await signedDownloadPath(services, { bucketId, name }, expiresIn), error: null }
        : { path: name, signedURL: null, error: "Either the object does not exist or you do not have access to it" },
    ),
  );
}

async function signedDownloadPath(services: StorageServices, key: ObjectKey, expiresIn: number): Promise<string> {
  const url = objectUrl(key.bucketId, key.name);
  return `/object/sign/${url}?token=${await signDownloadToken(services.jwtSecret, url, expiresIn)}`;
}

/**
 * A signed upload URL, issued only if the caller could insert (or upsert) the object now; whoever
 * holds it may then upload without credentials until it expires, as the caller.
 */
export async function signUploadPath(
  services: StorageServices,
  caller: RequestClaims,
  key: ObjectKey,
  upsert: boolean,
  declared: { mimetype: string | undefined; contentLength: number | undefined },
): Promise<{ url: string; token: string }> {
  await mustFindBucket(services.sql, key.bucketId);
  await testPermission(services.sql, caller, (tx) =>
    insertObject(
      tx,
      {
        ...key,
        owner: caller.sub,
        version: randomUUID(),
        metadata: { mimetype: declared.mimetype, contentLength: declared.contentLength },
        userMetadata: undefined,
      },
      upsert,
    ),
  );
  const url = objectUrl(key.bucketId, key.name);
  const token = await signUploadToken(services.jwtSecret, url, { owner: caller.sub, upsert }, services.uploadUrlExpiresIn);
  return { url: `/object/upload/sign/${url}?token=${token}`, token };
}
