// supabase-js clients for Auth and Storage calls. `supabaseAsCaller()` sends the caller's own
// token (or the anon key), so Supabase applies the caller's rights; it is built on first use
// because most routes only talk SQL. `supabaseAsServiceRole()` bypasses RLS: grep for it.
// `supabaseForAuthCall()` is a fresh anon client per call for the auth routes: a sign-in stores its
// session in the client, which must not leak into any other call.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import { createMiddleware } from "hono/factory";
import type { CallerVariables } from "./caller.ts";
import { clientAddress } from "./client-address.ts";

export interface SupabaseVariables {
  supabaseAsCaller: () => SupabaseClient;
  supabaseAsServiceRole: () => SupabaseClient;
  supabaseForAuthCall: () => SupabaseClient;
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
    // Supabase sees the NDI client's address, so Auth's per-address rate limits apply per client.
    const address = clientAddress(c);
    const forwardedFor: Record<string, string> = address ? { "X-Forwarded-For": address } : {};
    let callerClient: SupabaseClient | undefined;
    c.set("supabaseAsCaller", () =>
      (callerClient ??= createClient(supabaseUrl, anonKey, {
        global: { headers: { Authorization: `Bearer ${c.var.accessToken ?? anonKey}`, ...forwardedFor } },
        auth: SERVER_SIDE,
      })),
    );
    c.set("supabaseAsServiceRole", supabaseAsServiceRole);
    c.set("supabaseForAuthCall", () => createClient(supabaseUrl, anonKey, { global: { headers: forwardedFor }, auth: SERVER_SIDE }));
    await next();
  });
}
