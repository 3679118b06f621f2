// supabase-js clients for Auth and Storage calls. `supabaseAsCaller()` sends the caller's own
// token (or the anon key), so Supabase applies the caller's rights; it is built on first use
// because most routes only talk SQL. `supabaseAsServiceRole()` bypasses RLS: grep for it.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { createMiddleware } from "hono/factory";
import type { CallerVariables } from "./caller.ts";

export interface SupabaseVariables {
  supabaseAsCaller: () => SupabaseClient;
  supabaseAsServiceRole: () => SupabaseClient;
}

export interface SupabaseClientsOptions {
  supabaseUrl: string;
  anonKey: string;
  serviceRoleKey: string;
}

// A server keeps no session: every client acts only with the token it was given.
const SERVER_SIDE = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } as const;

export function supabaseClients({ supabaseUrl, anonKey, serviceRoleKey }: SupabaseClientsOptions) {
  let serviceRoleClient: SupabaseClient | undefined;
  // One for the whole app: it carries no caller state.
  const supabaseAsServiceRole = () => (serviceRoleClient ??= createClient(supabaseUrl, serviceRoleKey, { auth: SERVER_SIDE }));

  return createMiddleware<{ Variables: SupabaseVariables & CallerVariables }>(async function supabaseClients(c, next) {
    let callerClient: SupabaseClient | undefined;
    c.set("supabaseAsCaller", () =>
      (callerClient ??= createClient(supabaseUrl, anonKey, {
        global: { headers: { Authorization: `Bearer ${c.var.accessToken ?? anonKey}` } },
        auth: SERVER_SIDE,
      })),
    );
    c.set("supabaseAsServiceRole", supabaseAsServiceRole);
    await next();
  });
}
