// The world of the files and bulk-upload contract tests: the embedded stack, two organizations, a
// member and a viewer of the first, a member of the second (signed in through Auth), and helpers
// that call the gateway and the signed URLs exactly as NDI-python does.
import { createClient } from "@supabase/supabase-js";
import type postgres from "postgres";
import { expect } from "vitest";
import { startTestStack, type TestStack } from "./stack.ts";

export type Actor = "member" | "viewer" | "memberB";

export interface FilesWorld {
  stack: TestStack;
  orgA: string;
  orgB: string;
  tokens: Record<Actor, string>;
  createDataset: (organizationId: string, name: string) => Promise<string>;
  /** A client call: path values percent-encoded with no safe characters, as NDI-python does. */
  api: (path: string, options?: { token?: string; method?: string; headers?: Record<string, string>; body?: string }) => Promise<Response>;
  /** Runs SQL as a signed-in actor (for other areas' routes, e.g. branching), committed. */
  asActor: <T>(actor: Actor, work: (tx: postgres.TransactionSql) => Promise<T>) => Promise<T>;
}

export const NO_SUCH_DATASET = "000000000000000000000000";
export const enc = encodeURIComponent;

export async function startFilesWorld(): Promise<FilesWorld> {
  const stack = await startTestStack();
  const createOrganization = async (name: string) => {
    const [row] = await stack.sql<{ id: string }[]>`insert into public.organizations (name) values (${name}) returning id`;
    return row!.id;
  };
  const orgA = await createOrganization("Lab A");
  const orgB = await createOrganization("Lab B");
  const tokens = {} as Record<Actor, string>;
  for (const [actor, org, role] of [["member", orgA, "member"], ["viewer", orgA, "viewer"], ["memberB", orgB, "member"]] as const) {
    const user = await stack.createUser();
    await stack.sql`insert into public.organization_members (organization_id, user_id, role) values (${org}, ${user.id}, ${role})`;
    tokens[actor] = await signIn(stack, user.email, user.password);
  }

  return {
    stack,
    orgA,
    orgB,
    tokens,
    async createDataset(organizationId, name) {
      const [row] = await stack.sql<{ id: string }[]>`
        insert into public.datasets (organization_id, name) values (${organizationId}, ${name}) returning id`;
      return row!.id;
    },
    api(path, { token, method = "GET", headers = {}, body } = {}) {
      const sent: Record<string, string> = { Accept: "application/json", ...headers };
      if (token) sent.Authorization = `Bearer ${token}`;
      return fetch(`${stack.gatewayUrl}/${path}`, { method, headers: sent, body });
    },
    asActor<T>(actor: Actor, work: (tx: postgres.TransactionSql) => Promise<T>) {
      const claims: unknown = JSON.parse(Buffer.from(tokens[actor].split(".")[1]!, "base64url").toString());
      return stack.sql.begin(async (tx) => {
        await tx`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        return work(tx);
      }) as Promise<T>;
    },
  };
}

async function signIn(stack: TestStack, email: string, password: string): Promise<string> {
  const auth = createClient(stack.supabaseUrl, stack.keys.anonKey, { auth: { persistSession: false } }).auth;
  const { data, error } = await auth.signInWithPassword({ email, password });
  if (error) throw error;
  expect(data.session.access_token).toBeTruthy();
  return data.session.access_token;
}
