// `npm run admin` commands against the embedded stack: a first login (verified user, platform
// admin, organization with an owner), memberships, the mail sink and analyst logins.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analystGrant } from "../../scripts/admin/analysts.ts";
import { UsageError, type AdminCommand, type OptionValues } from "../../scripts/admin/command.ts";
import type { AdminContext } from "../../scripts/admin/context.ts";
import { mail } from "../../scripts/admin/mail.ts";
import { addMember, createOrg, listOrgs } from "../../scripts/admin/organizations.ts";
import { createUser, listUsers } from "../../scripts/admin/users.ts";
import { captureOutput } from "../support/console.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let context: AdminContext;

beforeAll(async () => {
  stack = await startTestStack();
  context = stack.adminContext();
});
afterAll(async () => {
  await stack?.stop();
});

const run = (command: AdminCommand, values: OptionValues = {}, positionals: string[] = []) =>
  captureOutput(() => command.run(context, { values, positionals }));

async function login(email: string, password: string) {
  const response = await fetch(`${stack.gatewayUrl}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("a first login, as the README gives it", () => {
  it("create-user --admin and create-org --owner give a verified platform admin who can log in with an organization", async () => {
    const created = await run(createUser, { email: "ada@example.org", password: "a-long-password", admin: true });
    expect(created).toMatch(/^created ada@example\.org \(id [0-9a-f-]{36}\), platform admin$/);
    const organizationId = (await run(createOrg, { name: "Lovelace Lab", owner: "ada@example.org" })).trim();
    expect(organizationId).toMatch(/^[0-9a-f]{24}$/);

    const { status, body } = await login("ada@example.org", "a-long-password");
    expect(status).toBe(200);
    expect(body.user).toMatchObject({ email: "ada@example.org", isAdmin: true });
    expect(body.user.organizations).toContainEqual(expect.objectContaining({ id: organizationId, name: "Lovelace Lab", canUploadDataset: true }));

    expect(await run(listUsers)).toMatch(/ada@example\.org {2}confirmed {2}platform-admin/);
    expect(await run(listOrgs)).toContain(`${organizationId}  Lovelace Lab\n    ada@example.org (owner)`);
  });

  it("create-org --if-absent reuses the organization of that name", async () => {
    const first = (await run(createOrg, { name: "Reused Lab", "if-absent": true })).trim();
    expect((await run(createOrg, { name: "Reused Lab", "if-absent": true })).trim()).toBe(first);
    expect((await run(createOrg, { name: "Reused Lab" })).trim()).not.toBe(first);
  });
});

describe("memberships", () => {
  it("add-member adds and then changes a role, which login reports", async () => {
    const organizationId = (await run(createOrg, { name: "Members Lab" })).trim();
    const user = await stack.createUser({ email: "grace@example.org" });
    await run(addMember, { org: organizationId, email: user.email, role: "viewer" });
    const asViewer = await login(user.email, user.password);
    expect(asViewer.body.user.organizations).toContainEqual(expect.objectContaining({ id: organizationId, canUploadDataset: false }));

    expect(await run(addMember, { org: organizationId, email: user.email, role: "member" })).toBe(
      `grace@example.org is now member of ${organizationId}`,
    );
    const asMember = await login(user.email, user.password);
    expect(asMember.body.user.organizations).toContainEqual(expect.objectContaining({ id: organizationId, canUploadDataset: true }));
  });

  it("refuses a bad role, an unknown organization and an unknown user with a usage error, changing nothing", async () => {
    const organizationId = (await run(createOrg, { name: "Guarded Lab" })).trim();
    await expect(run(addMember, { org: organizationId, email: "ada@example.org", role: "boss" })).rejects.toThrow(UsageError);
    await expect(run(addMember, { org: "000000000000000000000000", email: "ada@example.org", role: "member" })).rejects.toThrow(
      /no organization with id/,
    );
    await expect(run(addMember, { org: organizationId, email: "nobody@example.org", role: "member" })).rejects.toThrow(/no user with e-mail/);
    await expect(run(addMember, { org: organizationId, role: "member" })).rejects.toThrow(/--email is required/);
    const members = await stack.sql`select 1 from public.organization_members where organization_id = ${organizationId}`;
    expect(members).toHaveLength(0);
  });
});

describe("mail and analysts", () => {
  it("mail shows the confirmation link and code the Auth server sent", async () => {
    const signUp = await fetch(`${stack.supabaseUrl}/auth/v1/signup`, {
      method: "POST",
      headers: { apikey: stack.keys.anonKey, "Content-Type": "application/json" },
      body: JSON.stringify({ email: "newcomer@example.org", password: "newcomer-password-1" }),
    });
    expect(signUp.status).toBe(200);
    const printed = await run(mail, { to: "newcomer@example.org", limit: "10" });
    expect(printed).toMatch(/to newcomer@example\.org {2}\[signup\]/);
    expect(printed).toMatch(/link: http:\/\/127\.0\.0\.1:\d+\/auth\/v1\/verify\?token=/);
    expect(printed).toMatch(/code: \d{6}/);
    await expect(run(mail, { limit: "0" })).rejects.toThrow(/--limit must be a positive whole number/);
  });

  it("analyst-grant prints a connection string that sees exactly the user's datasets", async () => {
    const owner = await stack.createUser({ email: "analyst-owner@example.org" });
    const organizationId = (await run(createOrg, { name: "Analyst Lab", owner: owner.email })).trim();
    const otherOrganization = (await run(createOrg, { name: "Other Lab" })).trim();
    await stack.sql`insert into public.datasets (organization_id, name) values (${organizationId}, 'mine'), (${otherOrganization}, 'theirs')`;

    const url = (await run(analystGrant, {}, [owner.email])).trim();
    expect(url).toMatch(/^postgres:\/\/ndi_analyst_[0-9a-f]{32}:[0-9a-f]+@127\.0\.0\.1:\d+\//);
    const analyst = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await analyst<{ name: string }[]>`select name from public.datasets order by name`;
      expect(rows.map((row) => row.name)).toEqual(["mine"]);
    } finally {
      await analyst.end();
    }
    await expect(run(analystGrant, {}, [])).rejects.toThrow(/give the user's e-mail/);
  });
});
