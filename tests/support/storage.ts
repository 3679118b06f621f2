// The embedded Storage server on a cloned test database, as the storage*.test.ts files use it:
// served over HTTP under /storage/v1 (so supabase-js talks to it unmodified), with the project's
// keys, user tokens minted like GoTrue's, and helpers to look at the bytes on disk.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { SignJWT } from "jose";
import postgres from "postgres";
import { createSupabaseApi } from "../../embedded/api.ts";
import { deriveProjectKeys, type ProjectKeys } from "../../embedded/keys.ts";
import { createStorageApp, type StorageServerOptions } from "../../embedded/storage/index.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { serveOnFreePort, type RunningServer } from "./serve.ts";

export interface StorageFixture {
  /** The project URL (supabase-js's first argument); Storage is at `${url}/storage/v1`. */
  url: string;
  storageUrl: string;
  keys: ProjectKeys;
  /** Superuser connection to the test database. */
  sql: postgres.Sql;
  /** Where the server keeps object bytes. */
  root: string;
  /** A supabase-js client with the service_role key (bypasses RLS). */
  service: SupabaseClient;
  /** A supabase-js client sending `token` as the bearer. */
  clientWith: (token: string) => SupabaseClient;
  /** An access token for an authenticated user, as GoTrue would issue it. */
  userToken: (sub?: string) => Promise<string>;
  /** Files currently stored under objects/ and tmp/ (paths relative to root). */
  filesOnDisk: () => { objects: string[]; temp: string[] };
  /** One more server on the same database and disk root, with other options. */
  serveAnother: (options: Partial<StorageServerOptions>) => Promise<{ storageUrl: string }>;
  close: () => Promise<void>;
}

export async function startStorageFixture(options: Partial<StorageServerOptions> = {}): Promise<StorageFixture> {
  const database: TestDatabase = await createTestDatabase();
  const sql = postgres(database.adminUrl, { max: 8, onnotice: () => {} });
  const jwtSecret = randomBytes(32).toString("base64url");
  const keys = await deriveProjectKeys(jwtSecret);
  const root = mkdtempSync(path.join(os.tmpdir(), "ndi-storage-test-"));
  const servers: RunningServer[] = [];

  const serve = async (overrides: Partial<StorageServerOptions>) => {
    const app = createSupabaseApi({
      storage: createStorageApp({ sql, jwtSecret, root, fileSizeLimit: 50 * 1024 ** 3, ...options, ...overrides }),
    });
    const server = await serveOnFreePort(app);
    servers.push(server);
    return { url: server.url, storageUrl: `${server.url}/storage/v1` };
  };
  const { url, storageUrl } = await serve({});

  const clientWith = (token: string) =>
    createClient(url, keys.anonKey, { accessToken: async () => token, auth: { persistSession: false } });

  const listFiles = (directory: string): string[] =>
    readdirSync(path.join(root, directory), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));

  return {
    url,
    storageUrl,
    keys,
    sql,
    root,
    service: clientWith(keys.serviceRoleKey),
    clientWith,
    userToken: (sub = randomUUID()) =>
      new SignJWT({ role: "authenticated", aud: "authenticated", sub, email: `${sub}@example.org` })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode(jwtSecret)),
    filesOnDisk: () => ({ objects: listFiles("objects"), temp: listFiles("tmp") }),
    serveAnother: async (overrides) => ({ storageUrl: (await serve(overrides)).storageUrl }),
    close: async () => {
      for (const server of servers) await server.close();
      await sql.end();
      await database.drop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` passes (it throws until then) or `timeoutMs` runs out, then rethrows. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
