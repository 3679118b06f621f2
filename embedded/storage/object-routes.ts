// /object: upload, update, download, info, list, remove, move and copy, plus signed URLs (create
// them as a caller; use them without credentials). Routes only read input and shape responses;
// the rules live in objects.ts. Specific paths are registered before the `/:bucket/:name` ones,
// which would otherwise also match them (a bucket named "sign", "list", …), as on Supabase.
import { Hono, type Context } from "hono";
import { z } from "zod";
import { identifyCaller, requiredCaller, type StorageEnv } from "./caller.ts";
import type { ObjectRow } from "./database.ts";
import { renderObject } from "./download.ts";
import { toStorageError } from "./errors.ts";
import { validObjectName } from "./names.ts";
import {
  copyObject,
  findReadableObject,
  findSignedObject,
  listObjects,
  moveObject,
  removeObject,
  removeObjects,
  signDownloadPath,
  signDownloadPaths,
  signUploadPath,
  uploadObject,
  type StorageServices,
} from "./objects.ts";
import { jsonBody, objectKeyParam } from "./request-input.ts";
import { objectUrl, verifyUploadToken } from "./signed-tokens.ts";
import { declaredContentLength, readUploadBody } from "./upload-body.ts";

const OBJECT = ":bucket/:name{.+}";

const expiresIn = z.number().int().min(1);

const listRequest = z.object({
  prefix: z.string(),
  limit: z.number().int().min(1).default(100),
  offset: z.number().int().min(0).default(0),
  search: z.string().default(""),
  sortBy: z
    .object({
      column: z.enum(["name", "updated_at", "created_at", "last_accessed_at"]).default("name"),
      order: z.string().toLowerCase().pipe(z.enum(["asc", "desc"])).default("asc"),
    })
    .default({ column: "name", order: "asc" }),
});

const transferRequest = z.object({
  bucketId: z.string(),
  sourceKey: z.string(),
  destinationKey: z.string(),
  destinationBucket: z.string().optional(),
});

export function objectRoutes(services: StorageServices): Hono<StorageEnv> {
  const app = new Hono<StorageEnv>();
  const authenticated = identifyCaller(services.jwtSecret, { required: true });
  const anyone = identifyCaller(services.jwtSecret, { required: false });

  // ---- signed URLs
  app.post(`/sign/${OBJECT}`, authenticated, async (c) => {
    const { expiresIn: seconds } = await jsonBody(c, z.object({ expiresIn }));
    return c.json({ signedURL: await signDownloadPath(services, requiredCaller(c), objectKeyParam(c), seconds) });
  });

  app.post("/sign/:bucket", authenticated, async (c) => {
    const input = await jsonBody(c, z.object({ expiresIn, paths: z.array(z.string()).min(1) }));
    return c.json(await signDownloadPaths(services, requiredCaller(c), c.req.param("bucket"), input.paths, input.expiresIn));
  });

  app.get(`/sign/${OBJECT}`, async (c) => {
    const { object, expiresAt } = await findSignedObject(services, objectKeyParam(c), c.req.query("token"));
    return renderObject(c, services.store, object, { expiresAt });
  });

  app.post(`/upload/sign/${OBJECT}`, authenticated, async (c) => {
    const signed = await signUploadPath(services, requiredCaller(c), objectKeyParam(c), c.req.header("x-upsert") === "true", {
      mimetype: c.req.header("content-type"),
      contentLength: declaredContentLength(c.req.raw),
    });
    return c.json(signed);
  });

  // No credentials: the token is the permission, granted by whoever created it.
  app.put(`/upload/sign/${OBJECT}`, (c) =>
    receivingUpload(async () => {
      const key = objectKeyParam(c);
      const url = objectUrl(key.bucketId, key.name);
      const grant = await verifyUploadToken(services.jwtSecret, c.req.query("token"), url);
      const body = await readUploadBody(c.req.raw);
      await uploadObject(services, { ...key, body, actor: null, owner: grant.owner, upsert: grant.upsert });
      return c.json({ Key: url });
    }),
  );

  // ---- listing, moving, copying
  app.post("/list/:bucket", authenticated, async (c) => {
    const input = await jsonBody(c, listRequest);
    const entries = await listObjects(services, requiredCaller(c), c.req.param("bucket"), {
      prefix: input.prefix,
      limit: input.limit,
      offset: input.offset,
      search: input.search,
      sortColumn: input.sortBy.column,
      sortOrder: input.sortBy.order,
    });
    return c.json(entries);
  });

  app.post("/move", authenticated, async (c) => {
    const input = await jsonBody(c, transferRequest);
    const moved = await moveObject(
      services,
      requiredCaller(c),
      { bucketId: input.bucketId, name: validObjectName(input.sourceKey) },
      { bucketId: input.destinationBucket ?? input.bucketId, name: validObjectName(input.destinationKey) },
    );
    return c.json({ message: "Successfully moved", Id: moved.id, Key: moved.name });
  });

  app.post("/copy", authenticated, async (c) => {
    const input = await jsonBody(c, transferRequest);
    const destination = { bucketId: input.destinationBucket ?? input.bucketId, name: validObjectName(input.destinationKey) };
    const copy = await copyObject(
      services,
      requiredCaller(c),
      { bucketId: input.bucketId, name: validObjectName(input.sourceKey) },
      destination,
      c.req.header("x-upsert") === "true",
    );
    return c.json({ Id: copy.id, Key: objectUrl(destination.bucketId, destination.name), ...copy });
  });

  // ---- reading: info, public and authenticated downloads
  const info = (publicOnly: boolean) => async (c: Context<StorageEnv>) => {
    const object = await findReadableObject(services, objectKeyParam(c), c.get("caller"), { publicOnly });
    return c.json(objectInfo(object));
  };
  app.get(`/info/authenticated/${OBJECT}`, anyone, info(false));
  app.get(`/info/public/${OBJECT}`, anyone, info(true));
  app.get(`/info/${OBJECT}`, anyone, info(false));

  const download = (publicOnly: boolean) => async (c: Context<StorageEnv>) => {
    const object = await findReadableObject(services, objectKeyParam(c), c.get("caller"), { publicOnly });
    return renderObject(c, services.store, object);
  };
  app.get(`/public/${OBJECT}`, anyone, download(true));
  app.get(`/authenticated/${OBJECT}`, anyone, download(false));
  app.get(`/${OBJECT}`, anyone, download(false));

  // ---- writing and removing
  const upload = (upsert: (c: Context) => boolean) => (c: Context<StorageEnv>) =>
    receivingUpload(async () => {
      const caller = requiredCaller(c);
      const key = objectKeyParam(c);
      const body = await readUploadBody(c.req.raw);
      const { id } = await uploadObject(services, { ...key, body, actor: caller, owner: caller.sub, upsert: upsert(c) });
      return c.json({ Id: id, Key: objectUrl(key.bucketId, key.name) });
    });
  app.post(`/${OBJECT}`, authenticated, upload((c) => c.req.header("x-upsert") === "true"));
  app.put(`/${OBJECT}`, authenticated, upload(() => true));

  app.delete(`/${OBJECT}`, authenticated, async (c) => {
    await removeObject(services, requiredCaller(c), objectKeyParam(c));
    return c.json({ message: "Successfully deleted" });
  });

  app.delete("/:bucket", authenticated, async (c) => {
    const { prefixes } = await jsonBody(c, z.object({ prefixes: z.array(z.string()).min(1) }));
    return c.json(await removeObjects(services, requiredCaller(c), c.req.param("bucket"), prefixes));
  });

  return app;
}

/**
 * An upload refused early (size, type, permission) leaves body bytes on the wire that the client
 * may still be sending; the connection cannot be reused for another request, so it is closed.
 */
async function receivingUpload(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    throw toStorageError(error).closingConnection();
  }
}

function objectInfo(object: ObjectRow) {
  return {
    id: object.id,
    name: object.name,
    version: object.version,
    bucket_id: object.bucket_id,
    size: object.metadata?.size ?? null,
    content_type: object.metadata?.mimetype ?? null,
    cache_control: object.metadata?.cacheControl ?? null,
    etag: object.metadata?.eTag ?? null,
    metadata: object.user_metadata,
    last_modified: object.updated_at,
    created_at: object.created_at,
  };
}
