// Contract R9–R10 over HTTP: the logged-in user with their organizations, and other users as RLS
// on profiles lets the caller see them (themselves, people they share an organization with, anyone
// for platform admins); everything else is 404, malformed ids included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack, type TestUser } from "../support/stack.ts";
import { decodeJwt } from "jose";

let stack: TestStack;
let ada: TestUser;
let grace: TestUser;
let stranger: TestUser;
let admin: TestUser;
let adaToken: string;
let sharedOrgId: string;

const get = (path: string, token?: string) =>
  fetch(`${stack.gatewayUrl}${path}`, { headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) } });

async function login(user: TestUser): Promise<string> {
  const response = await fetch(`${stack.gatewayUrl}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

beforeAll(async () => {
  stack = await startTestStack();
  [ada, grace, stranger, admin] = await Promise.all([
    stack.createUser({ name: "Ada" }),
    stack.createUser({ name: "Grace" }),
    stack.createUser({ name: "Stranger" }),
    stack.createUser({ name: "Admin" }),
  ]);
  const [org] = await stack.sql<{ id: string }[]>`insert into public.organizations (name) values ('Shared lab') returning id`;
  sharedOrgId = org!.id;
  await stack.sql`insert into public.organization_members (organization_id, user_id, role)
                  values (${sharedOrgId}, ${ada.id}, 'admin'), (${sharedOrgId}, ${grace.id}, 'viewer')`;
  await stack.sql`insert into public.platform_admins (user_id) values (${admin.id})`;
  adaToken = await login(ada);
});
afterAll(async () => {
  await stack?.stop();
});

describe("GET /users/me", () => {
  it("returns the caller with every organization, the oldest (personal) first, and the token's e-mail", async () => {
    const response = await get("/users/me", adaToken);
    expect(response.status).toBe(200);
    const me = await response.json();
    expect(me).toEqual({
      id: ada.id,
      email: ada.email,
      name: "Ada",
      isAdmin: false,
      canUploadDataset: false,
      organizations: [
        { id: expect.any(String), name: "Ada's organization", canUploadDataset: true, role: "owner" },
        { id: sharedOrgId, name: "Shared lab", canUploadDataset: true, role: "admin" },
      ],
    });
    expect(me.email.toLowerCase()).toBe(String(decodeJwt(adaToken).email).toLowerCase());
  });

  it("flags platform admins", async () => {
    const me = await (await get("/users/me", await login(admin))).json();
    expect(me).toMatchObject({ isAdmin: true, canUploadDataset: true });
  });

  it("needs a valid token", async () => {
    expect((await get("/users/me")).status).toBe(401);
    const garbage = await get("/users/me", "garbage");
    expect(garbage.status).toBe(401);
    expect(await garbage.json()).toMatchObject({ message: expect.any(String) });
  });
});

describe("GET /users/{userId}", () => {
  it("returns the caller", async () => {
    const response = await get(`/users/${ada.id}`, adaToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: ada.id, email: ada.email });
  });

  it("returns a member of a shared organization, with only the memberships the caller may see", async () => {
    const response = await get(`/users/${grace.id}`, adaToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: grace.id,
      email: grace.email,
      name: "Grace",
      isAdmin: false,
      canUploadDataset: false,
      organizations: [{ id: sharedOrgId, name: "Shared lab", canUploadDataset: false, role: "viewer" }],
    });
  });

  it("answers 404 for someone the caller shares nothing with, an unknown id and a malformed id", async () => {
    for (const id of [stranger.id, "00000000-0000-0000-0000-000000000000", "000000000000000000000000", "not-a-valid-id"]) {
      const response = await get(`/users/${encodeURIComponent(id)}`, adaToken);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toMatchObject({ message: "User not found" });
    }
  });

  it("lets platform admins see anyone", async () => {
    const response = await get(`/users/${stranger.id}`, await login(admin));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: stranger.id, name: "Stranger" });
  });

  it("needs a token", async () => {
    expect((await get(`/users/${ada.id}`)).status).toBe(401);
  });
});
