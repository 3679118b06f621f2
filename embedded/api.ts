// One origin for the embedded Supabase services, as Supabase's API gateway serves them:
// /auth/v1, /storage/v1 and /functions/v1 (plus the local mail sink viewer).
import { Hono } from "hono";
import { cors } from "hono/cors";

export interface SupabaseApiParts {
  auth?: Hono;
  storage?: Hono;
  functions?: Hono;
}

export function createSupabaseApi(parts: SupabaseApiParts): Hono {
  const app = new Hono();
  app.use(
    "*",
    cors({
      origin: "*",
      allowHeaders: [
        "authorization", "apikey", "content-type", "x-client-info", "x-supabase-api-version",
        "x-upsert", "cache-control", "x-metadata", "range",
      ],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
      exposeHeaders: ["X-Total-Count", "Link", "X-Supabase-Api-Version", "Content-Range", "ETag", "Content-Length"],
    }),
  );
  if (parts.auth) app.route("/auth/v1", parts.auth);
  if (parts.storage) app.route("/storage/v1", parts.storage);
  if (parts.functions) app.route("/functions/v1", parts.functions);
  app.get("/", (c) => c.json({ services: Object.keys(parts).map((name) => `/${name}/v1`) }));
  return app;
}
