// The whole embedded stack for one test file: Auth, Storage and Functions on one origin and the
// gateway, against a database cloned from the migrated template — what `npm start` runs, on
// ephemeral ports. Contract tests drive `gatewayUrl` over HTTP as the NDI clients do.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { readMail } from "../../embedded/mail/index.ts";
import { loadProjectConfig, type ProjectConfig } from "../../embedded/project-config.ts";
import type { CrossrefSetup } from "../../embedded/crossref-setup.ts";
import type { GatewayConfigInput } from "../../gateway/app/env.ts";
import type { AdminContext } from "../../scripts/admin/context.ts";
import { startSupabaseServices, type RunningServices } from "../../embedded/stack.ts";
import { createTestDatabase } from "./database.ts";

export interface TestStack extends RunningServices {
  /** Gateway base URL including /v1, as NDI_CLOUD_URL. */
  gatewayUrl: string;
  /** supabase-js with the service-role key (Auth admin API, Storage without RLS). */
  admin: SupabaseClient;
  /** A verified user made through the Auth admin API. */
  createUser: (options?: { email?: string; password?: string; name?: string }) => Promise<TestUser>;
  /** The newest message the mail sink holds for an address. */
  lastMailTo: (email: string) => Promise<Awaited<ReturnType<typeof readMail>>[number] | undefined>;
  /** What `npm run admin` commands get when they reach this stack. */
  adminContext: () => AdminContext;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface TestStackOptions {
  /** Changes to supabase/config.toml's settings for this file (e.g. a short jwt_expiry). */
  configure?: (config: ProjectConfig) => void;
  functionsDir?: string;
  /** Where DOI deposits go, e.g. localCrossrefDouble(); none: DOIs stay pending. */
  crossref?: CrossrefSetup;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "ndi-stack-"));
  const config = loadProjectConfig();
  options.configure?.(config);
  const services = await startSupabaseServices({
    adminUrl: database.adminUrl,
    gatewayDatabaseUrl: database.authenticatorUrl,
    dataDir,
    jwtSecret: randomBytes(32).toString("base64url"),
    config,
    functionsDir: options.functionsDir,
    crossref: options.crossref,
    // Job and request logs only when asked for (LOG_LEVEL=info npm test); warnings always.
    logLevel: (process.env.LOG_LEVEL as GatewayConfigInput["logLevel"]) ?? "warn",
  });
  const admin = createClient(services.supabaseUrl, services.keys.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  let userCount = 0;

  return {
    ...services,
    admin,
    async createUser({ email, password = "correct-horse-battery-staple", name } = {}) {
      userCount += 1;
      const address = email ?? `user${userCount}-${randomBytes(3).toString("hex")}@example.org`;
      const { data, error } = await admin.auth.admin.createUser({
        email: address,
        password,
        email_confirm: true,
        user_metadata: { name: name ?? `Test User ${userCount}` },
      });
      if (error) throw error;
      return { id: data.user.id, email: address, password };
    },
    lastMailTo: async (email) => (await readMail(services.sql, { to: email, limit: 1 }))[0],
    adminContext: () => ({
      mode: "embedded",
      supabaseUrl: services.supabaseUrl,
      databaseUrl: database.adminUrl,
      supabase: admin,
      sql: services.sql,
      close: async () => {},
    }),
    stop: async () => {
      await services.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
