// What the organization, dataset and publish contract tests share: a stack with two labs and
// signed-in users in every role, and calls made as NDI-python makes them (Accept: JSON, Bearer,
// path values percent-encoded, JSON bodies).
import { createClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, expect } from "vitest";
import { errorEnvelopeSchema } from "../../gateway/errors/api-error.ts";
import { datasetDetailSchema } from "../../gateway/routes/datasets/datasets.schemas.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

export type Actor = "owner" | "admin" | "member" | "viewer" | "memberB";

export interface DatasetsWorld {
  stack: TestStack;
  orgA: string;
  orgB: string;
  tokens: Record<Actor, string>;
}

export const NO_SUCH_ID = "000000000000000000000000";

export async function startDatasetsWorld(): Promise<DatasetsWorld> {
  const stack = await startTestStack();
  const orgA = await createOrganization(stack, "Lab A");
  const orgB = await createOrganization(stack, "Lab B");
  const tokens = {} as Record<Actor, string>;
  const roles = [["owner", orgA, "owner"], ["admin", orgA, "admin"], ["member", orgA, "member"], ["viewer", orgA, "viewer"], ["memberB", orgB, "member"]] as const;
  for (const [actor, org, role] of roles) {
    const user = await stack.createUser();
    await stack.sql`insert into public.organization_members (organization_id, user_id, role) values (${org}, ${user.id}, ${role})`;
    tokens[actor] = await signIn(stack, user.email, user.password);
  }
  return { stack, orgA, orgB, tokens };
}

/**
 * startDatasetsWorld() before the file's tests and stop its stack after them. The returned object
 * is empty until that beforeAll has run; read it inside hooks and tests only.
 */
export function useDatasetsWorld(): DatasetsWorld {
  const world = {} as DatasetsWorld;
  beforeAll(async () => {
    Object.assign(world, await startDatasetsWorld());
  }, 60_000);
  afterAll(async () => {
    await world.stack?.stop();
  });
  return world;
}

async function signIn(stack: TestStack, email: string, password: string): Promise<string> {
  const auth = createClient(stack.supabaseUrl, stack.keys.anonKey, { auth: { persistSession: false } }).auth;
  const { data, error } = await auth.signInWithPassword({ email, password });
  if (error) throw error;
  return data.session.access_token;
}

async function createOrganization(stack: TestStack, name: string): Promise<string> {
  const [row] = await stack.sql<{ id: string }[]>`insert into public.organizations (name) values (${name}) returning id`;
  return row!.id;
}

export interface CallOptions {
  token?: string;
  method?: string;
  /** An object is sent as JSON; a string is sent as is (with contentType, if given). */
  body?: unknown;
  contentType?: string;
}

/** One API call; `path` segments must already be percent-encoded (use `enc`). */
export async function call(stack: TestStack, path: string, { token, method = "GET", body, contentType }: CallOptions = {}) {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: string | undefined;
  if (body !== undefined) {
    payload = typeof body === "string" ? body : JSON.stringify(body);
    headers["Content-Type"] = contentType ?? "application/json";
  } else if (contentType) {
    headers["Content-Type"] = contentType;
  }
  const response = await fetch(`${stack.gatewayUrl}/${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}

export const enc = encodeURIComponent;

/** A dataset made through the API (R16) by an organization member. */
export async function createDatasetViaApi(world: DatasetsWorld, fields: Record<string, unknown> = { name: "a dataset" }, token = world.tokens.member) {
  const response = await call(world.stack, `organizations/${world.orgA}/datasets`, { token, method: "POST", body: fields });
  if (response.status !== 201) throw new Error(`create answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body!.id as string;
}

/** GET datasets/{id} with `token` (none when undefined): must be 200 and match the declared schema. */
export async function getDataset(world: DatasetsWorld, id: string, token?: string) {
  const response = await call(world.stack, `datasets/${enc(id)}`, { token });
  expect(response.status).toBe(200);
  return datasetDetailSchema.parse(response.body);
}

/** The answer has `status` and the error envelope of contract 3.5. */
export function expectError(response: { status: number; body?: unknown }, status: number) {
  expect(response.status).toBe(status);
  expect(errorEnvelopeSchema.safeParse(response.body).success).toBe(true);
}
