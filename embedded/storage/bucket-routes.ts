// /bucket: create, read, list, update, empty and delete buckets, as the caller, so RLS on
// storage.buckets decides (the service_role key bypasses it; a user needs a policy).
import { Hono } from "hono";
import { z } from "zod";
import { parseByteSize } from "../project-config.ts";
import { identifyCaller, requiredCaller, type StorageEnv } from "./caller.ts";
import {
  bucketHasObjects,
  deleteAllObjects,
  deleteBucket,
  findBucket,
  inTransactionAs,
  insertBucket,
  listBuckets,
  mustFindBucket,
  updateBucket,
} from "./database.ts";
import { ERRORS } from "./errors.ts";
import { validBucketName } from "./names.ts";
import type { StorageServices } from "./objects.ts";
import { jsonBody, queryInput } from "./request-input.ts";

// Bucket limits come as bytes or as "20MB"-style strings; null removes the limit.
const fileSizeLimit = z
  .union([z.number().int().nonnegative(), z.string()])
  .nullable()
  .transform((value, ctx) => {
    if (typeof value !== "string") return value;
    try {
      return parseByteSize(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B" });
      return z.NEVER;
    }
  });

const allowedMimeTypes = z
  .array(z.string().regex(/^[\w.+-]+\/([\w.+-]+|\*)$/, "not a mime type or type/* wildcard"))
  .nullable();

const bucketSettings = z.object({
  public: z.boolean().optional(),
  file_size_limit: fileSizeLimit.optional(),
  allowed_mime_types: allowedMimeTypes.optional(),
});

const newBucket = bucketSettings.extend({
  id: z.string().optional(),
  name: z.string(),
  // Analytics and vector buckets hold no objects; the embedded stack has none.
  type: z.literal("STANDARD").optional(),
});

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  sortColumn: z.enum(["id", "name", "created_at", "updated_at"]).default("name"),
  sortOrder: z.string().toLowerCase().pipe(z.enum(["asc", "desc"])).default("asc"),
  search: z.string().optional(),
});

export function bucketRoutes(services: StorageServices): Hono<StorageEnv> {
  const { sql, store } = services;
  const app = new Hono<StorageEnv>();
  const authenticated = identifyCaller(services.jwtSecret, { required: true });

  app.get("/", authenticated, async (c) => {
    const options = queryInput(c, listQuery);
    return c.json(await inTransactionAs(sql, requiredCaller(c), (tx) => listBuckets(tx, options)));
  });

  app.get("/:id", authenticated, async (c) => {
    const bucket = await inTransactionAs(sql, requiredCaller(c), (tx) => findBucket(tx, c.req.param("id")));
    if (!bucket) throw ERRORS.noSuchBucket();
    return c.json(bucket);
  });

  app.post("/", authenticated, async (c) => {
    const caller = requiredCaller(c);
    const input = await jsonBody(c, newBucket);
    const id = validBucketName(input.id ?? input.name);
    await inTransactionAs(sql, caller, (tx) =>
      insertBucket(tx, {
        id,
        public: input.public ?? false,
        fileSizeLimit: input.file_size_limit ?? null,
        allowedMimeTypes: input.allowed_mime_types ?? null,
        type: input.type ?? "STANDARD",
        owner: caller.sub,
      }),
    );
    return c.json({ name: id });
  });

  app.put("/:id", authenticated, async (c) => {
    const input = await jsonBody(c, bucketSettings);
    const updated = await inTransactionAs(sql, requiredCaller(c), (tx) =>
      updateBucket(tx, c.req.param("id"), {
        public: input.public,
        fileSizeLimit: input.file_size_limit,
        allowedMimeTypes: input.allowed_mime_types,
      }),
    );
    if (!updated) throw ERRORS.noSuchBucket();
    return c.json({ message: "Successfully updated" });
  });

  app.post("/:id/empty", authenticated, async (c) => {
    const caller = requiredCaller(c);
    const bucketId = c.req.param("id");
    const bucket = await inTransactionAs(sql, caller, (tx) => findBucket(tx, bucketId));
    if (!bucket) throw ERRORS.noSuchBucket();
    // Synchronous here (Supabase queues it): only the objects the caller may delete go.
    const deleted = await deleteAllObjects(sql, caller, bucketId);
    await store.remove(deleted.map((row) => row.version));
    return c.json({ message: "Successfully emptied" });
  });

  app.delete("/:id", authenticated, async (c) => {
    const bucketId = c.req.param("id");
    await mustFindBucket(sql, bucketId);
    if (await bucketHasObjects(sql, bucketId)) throw ERRORS.bucketNotEmpty();
    const deleted = await inTransactionAs(sql, requiredCaller(c), (tx) => deleteBucket(tx, bucketId));
    if (!deleted) throw ERRORS.noSuchBucket();
    return c.json({ message: "Successfully deleted" });
  });

  return app;
}
