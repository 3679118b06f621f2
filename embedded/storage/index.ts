// The embedded Supabase Storage server: the HTTP API storage-js speaks (buckets, objects, signed
// URLs), rows in storage.buckets / storage.objects under the caller's RLS, bytes on local disk.
// Mounted at /storage/v1 by createSupabaseApi; all routes here are relative to it.
import { Hono } from "hono";
import type postgres from "postgres";
import { bucketRoutes } from "./bucket-routes.ts";
import { ObjectDiskStore } from "./disk-store.ts";
import { ERRORS, renderStorageError, toStorageError } from "./errors.ts";
import { objectRoutes } from "./object-routes.ts";

export interface StorageServerOptions {
  /** Superuser connection to the project database. */
  sql: postgres.Sql;
  jwtSecret: string;
  /** Directory for object bytes (e.g. .data/storage); created if missing. */
  root: string;
  /** Global upload limit in bytes; a bucket's file_size_limit may be lower. */
  fileSizeLimit: number;
  /** Seconds a signed upload URL stays valid (hosted Supabase: 2 h). */
  uploadUrlExpiresIn?: number;
}

const TWO_HOURS_SECONDS = 2 * 60 * 60;

export function createStorageApp(options: StorageServerOptions): Hono {
  const services = {
    sql: options.sql,
    store: new ObjectDiskStore(options.root),
    jwtSecret: options.jwtSecret,
    fileSizeLimit: options.fileSizeLimit,
    uploadUrlExpiresIn: options.uploadUrlExpiresIn ?? TWO_HOURS_SECONDS,
  };
  const app = new Hono();
  app.route("/bucket", bucketRoutes(services));
  app.route("/object", objectRoutes(services));
  app.onError((error, c) => {
    const storageError = c.req.raw.signal.aborted ? ERRORS.aborted() : toStorageError(error);
    if (storageError.statusCode === 500) console.error("storage: unexpected error", storageError.cause);
    return renderStorageError(c, storageError);
  });
  return app;
}
