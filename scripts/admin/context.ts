// How admin commands reach the project: a running embedded stack (found through its stack file),
// or a hosted project / `supabase start` given by SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY and
// DATABASE_URL. Commands get a service-role supabase-js client and a postgres.js pool.
import postgres from "postgres";
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { readStackFile, resolveDataDir } from "../../embedded/stack-file.ts";
import { UsageError } from "./command.ts";

export interface AdminContext {
  mode: "embedded" | "hosted";
  supabaseUrl: string;
  databaseUrl: string;
  /** Auth admin API and Storage with the service-role key. */
  supabase: SupabaseClient;
  /** The database as its owner (`postgres`); use runAsServiceRole for writes that RLS governs. */
  sql: postgres.Sql;
  close: () => Promise<void>;
}

export function connectAdmin(env: NodeJS.ProcessEnv = process.env): AdminContext {
  const target = resolveTarget(env);
  const supabase = createClient(target.supabaseUrl, target.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const sql = postgres(target.databaseUrl, { max: 2, onnotice: () => {} });
  return { ...target, supabase, sql, close: () => sql.end({ timeout: 5 }) };
}

function resolveTarget(env: NodeJS.ProcessEnv) {
  if (env.SUPABASE_URL) {
    const missing = ["SUPABASE_SERVICE_ROLE_KEY", "DATABASE_URL"].filter((name) => !env[name]);
    if (missing.length) throw new UsageError(`SUPABASE_URL is set, so ${missing.join(" and ")} must be set too.`);
    return {
      mode: "hosted" as const,
      supabaseUrl: env.SUPABASE_URL,
      serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY!,
      databaseUrl: env.DATABASE_URL!,
    };
  }
  const dataDir = resolveDataDir(env);
  const stack = readStackFile(dataDir);
  if (!stack) {
    throw new UsageError(
      `No running embedded stack found in ${dataDir}. Start it with \`npm start\` in another terminal, ` +
        "or set SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY and DATABASE_URL to administer a hosted project.",
    );
  }
  return {
    mode: "embedded" as const,
    supabaseUrl: stack.supabaseUrl,
    serviceRoleKey: stack.serviceRoleKey,
    databaseUrl: stack.databaseUrl,
  };
}
