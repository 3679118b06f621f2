// The embedded Auth server on a cloned test database, as the auth*.test.ts files use it: served
// over HTTP under /auth/v1 so that unmodified supabase-js talks to it, with the database mail sink.
import { randomBytes } from "node:crypto";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import postgres from "postgres";
import { afterAll, beforeAll, expect } from "vitest";
import { createSupabaseApi } from "../../embedded/api.ts";
import { createAuthApp } from "../../embedded/auth/index.ts";
import { deriveProjectKeys, type ProjectKeys } from "../../embedded/keys.ts";
import { createMailer, readMail, type MailKind } from "../../embedded/mail/index.ts";
import { loadProjectConfig, type ProjectConfig } from "../../embedded/project-config.ts";
import { createTestDatabase } from "./database.ts";
import { serveOnFreePort } from "./serve.ts";

export type AuthSettings = ProjectConfig["auth"];
export type StoredMail = Awaited<ReturnType<typeof readMail>>[number];

export interface AuthFixture {
  /** The project URL (supabase-js's first argument); Auth is at `${url}/auth/v1`. */
  url: string;
  authUrl: string;
  keys: ProjectKeys;
  settings: AuthSettings;
  /** Superuser connection to the test database. */
  sql: postgres.Sql;
  /** A fresh anon-key client keeping its session in memory, as a browser tab would. */
  client: () => SupabaseClient;
  /** A client with the service_role key, for supabase.auth.admin. */
  admin: SupabaseClient;
  /** The newest message to `to` in the mail sink (of `kind`, if given); fails when there is none. */
  latestMail: (to: string, kind?: MailKind) => Promise<StoredMail>;
  mailCount: (to: string) => Promise<number>;
  close: () => Promise<void>;
}

/** `configure` may change a copy of the project's [auth] settings, e.g. lower limits. */
export async function startAuthFixture(configure: (settings: AuthSettings) => void = () => {}): Promise<AuthFixture> {
  const database = await createTestDatabase();
  const sql = postgres(database.adminUrl, { max: 8, onnotice: () => {} });
  const jwtSecret = randomBytes(32).toString("base64url");
  const keys = await deriveProjectKeys(jwtSecret);
  const settings = structuredClone(loadProjectConfig().auth);
  configure(settings);

  // The external URL is only known once listening: serve a forwarder, then build the app for it.
  let app: { fetch: (request: Request, env?: unknown) => Response | Promise<Response> } | undefined;
  const server = await serveOnFreePort({ fetch: (request, env) => app!.fetch(request, env) });
  app = createSupabaseApi({
    auth: createAuthApp({
      sql,
      jwtSecret,
      externalUrl: `${server.url}/auth/v1`,
      settings,
      mailer: createMailer({ sql }),
    }),
  });

  const client = () =>
    createClient(server.url, keys.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });

  return {
    url: server.url,
    authUrl: `${server.url}/auth/v1`,
    keys,
    settings,
    sql,
    client,
    admin: createClient(server.url, keys.serviceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } }),
    latestMail: async (to, kind) => {
      const messages = await readMail(sql, { to });
      const message = messages.find((candidate) => kind === undefined || candidate.kind === kind);
      if (!message) throw new Error(`no ${kind ?? ""} mail to ${to}`);
      return message;
    },
    mailCount: async (to) => (await readMail(sql, { to })).length,
    close: async () => {
      await server.close();
      await sql.end();
      await database.drop();
    },
  };
}

/**
 * startAuthFixture() before the tests of the enclosing describe block (or file) and close() after
 * them. The returned object is empty until that beforeAll has run; read it inside tests only.
 */
export function useAuthFixture(configure?: (settings: AuthSettings) => void): AuthFixture {
  const fixture = {} as AuthFixture;
  beforeAll(async () => {
    Object.assign(fixture, await startAuthFixture(configure));
  });
  afterAll(async () => {
    await fixture.close?.();
  });
  return fixture;
}

/** The password the auth tests give their users. */
export const PASSWORD = "correct horse battery";

/** A user the admin API created already confirmed; returns the address. */
export async function confirmedUser(auth: AuthFixture, password = PASSWORD, email = uniqueEmail()): Promise<string> {
  const { error } = await auth.admin.auth.admin.createUser({ email, password, email_confirm: true });
  expect(error).toBeNull();
  return email;
}

/** A fresh client signed in with the password. */
export async function signedIn(auth: AuthFixture, email: string, password = PASSWORD): Promise<SupabaseClient> {
  const client = auth.client();
  const { error } = await client.auth.signInWithPassword({ email, password });
  expect(error).toBeNull();
  return client;
}

/** The one-time token of an action link (a verify URL) that generateLink or a mail carries. */
export function linkToken(actionLink: string): string {
  return new URL(actionLink).searchParams.get("token")!;
}

/** An address no other test uses. */
export function uniqueEmail(label = "user"): string {
  return `${label}-${randomBytes(4).toString("hex")}@example.org`;
}
