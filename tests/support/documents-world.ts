// Datasets and users for the document and ndiquery contract tests, arranged as the superuser on
// the test gateway's database: org A (member, viewer) with a draft and a published dataset,
// org B (memberB) with a foreign draft, and an outsider. Callers then act over HTTP with tokens.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { TestGateway } from "./gateway.ts";
import { startTestStack, type TestStack } from "./stack.ts";

export const DOCUMENT_ACTORS = ["member", "viewer", "outsider", "memberB"] as const;
export type DocumentActor = (typeof DOCUMENT_ACTORS)[number];

export interface DocumentsWorld {
  datasets: { draft: string; published: string; foreign: string };
  /** Authorization headers per actor; `anon` sends none. */
  headers: Record<DocumentActor | "anon", Record<string, string>>;
  /** A fresh, empty draft dataset in org A (for tests that count from zero). */
  newDraft: (name?: string) => Promise<string>;
}

/** `gateway`: where the world lives (a test gateway, or a test stack with a token minter). */
export async function buildDocumentsWorld(gateway: {
  sql: TestGateway["sql"];
  mintUserToken: (sub: string, email: string) => Promise<string>;
}): Promise<DocumentsWorld> {
  const { sql } = gateway;
  const users = Object.fromEntries(DOCUMENT_ACTORS.map((actor) => [actor, { id: randomUUID(), email: `${actor}-${randomUUID().slice(0, 8)}@example.org` }]));
  for (const user of Object.values(users)) {
    await sql`insert into auth.users (id, email, raw_user_meta_data, email_confirmed_at)
              values (${user.id}, ${user.email}, ${sql.json({ name: user.email })}, now())`;
  }
  const idOf = (rows: { id: string }[]) => rows[0]!.id;
  const orgA = idOf(await sql<{ id: string }[]>`insert into public.organizations (name) values ('Lab A') returning id`);
  const orgB = idOf(await sql<{ id: string }[]>`insert into public.organizations (name) values ('Lab B') returning id`);
  await sql`insert into public.organization_members (organization_id, user_id, role) values
    (${orgA}, ${users.member!.id}, 'member'), (${orgA}, ${users.viewer!.id}, 'viewer'), (${orgB}, ${users.memberB!.id}, 'member')`;

  const newDataset = async (org: string, name: string) => {
    return idOf(await sql<{ id: string }[]>`
      insert into public.datasets (organization_id, name, created_by) values (${org}, ${name}, ${users.member!.id}) returning id`);
  };
  const datasets = { draft: await newDataset(orgA, "draft"), published: await newDataset(orgA, "published"), foreign: await newDataset(orgB, "foreign") };
  await sql`update public.datasets set is_published = true where id = ${datasets.published}`;

  const headers = { anon: {} } as DocumentsWorld["headers"];
  for (const actor of DOCUMENT_ACTORS) {
    headers[actor] = { Authorization: `Bearer ${await gateway.mintUserToken(users[actor]!.id, users[actor]!.email)}` };
  }
  return { datasets, headers, newDraft: (name = "another draft") => newDataset(orgA, name) };
}

/** The whole stack with this world in it, for the bulk routes: Storage holds their zips, the gateway's job runner makes and reads them. */
export async function startDocumentsStack(): Promise<{ stack: TestStack; world: DocumentsWorld }> {
  const stack = await startTestStack();
  const mintUserToken = (sub: string, email: string) =>
    new SignJWT({ role: "authenticated", aud: "authenticated", sub, email })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(stack.keys.jwtSecret));
  return { stack, world: await buildDocumentsWorld({ sql: stack.sql, mintUserToken }) };
}
