// The admin API through supabase.auth.admin with the service_role key: users, bans, deletion,
// generated links and invitations, and who may not use it.
import { AuthApiError, type SupabaseClient } from "@supabase/supabase-js";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenHash } from "../../embedded/auth/one-time-tokens.ts";
import { linkToken, PASSWORD, uniqueEmail, useAuthFixture } from "../support/auth.ts";

const auth = useAuthFixture();
let admin: SupabaseClient["auth"]["admin"];
beforeAll(() => {
  admin = auth.admin.auth.admin;
});

async function createConfirmed(email = uniqueEmail()) {
  const { data, error } = await admin.createUser({ email, password: PASSWORD, email_confirm: true });
  expect(error).toBeNull();
  return data.user!;
}

function signIn(email: string, password = PASSWORD) {
  return auth.client().auth.signInWithPassword({ email, password });
}

describe("creating users", () => {
  it("creates a confirmed user who can sign in at once", async () => {
    const email = uniqueEmail();
    const { data, error } = await admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
      user_metadata: { name: "Grace" },
      app_metadata: { roles: ["curator"] },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      email,
      role: "authenticated",
      user_metadata: { name: "Grace", email_verified: true },
      app_metadata: { provider: "email", providers: ["email"], roles: ["curator"] },
    });
    expect(data.user!.email_confirmed_at).toBeTruthy();
    const session = await signIn(email);
    expect(session.error).toBeNull();
    const claims = JSON.parse(Buffer.from(session.data.session!.access_token.split(".")[1]!, "base64url").toString());
    expect(claims.app_metadata).toEqual({ provider: "email", providers: ["email"], roles: ["curator"] });
  });

  it("creates an unconfirmed user without email_confirm, and one without a password who cannot sign in", async () => {
    const unconfirmed = uniqueEmail();
    await admin.createUser({ email: unconfirmed, password: PASSWORD });
    expect((await signIn(unconfirmed)).error).toMatchObject({ code: "email_not_confirmed" });

    const passwordless = uniqueEmail();
    const { data } = await admin.createUser({ email: passwordless, email_confirm: true });
    expect(data.user!.email_confirmed_at).toBeTruthy();
    expect((await signIn(passwordless, "")).error).toMatchObject({ code: "invalid_credentials" });
  });

  it("takes the id it is given", async () => {
    const id = crypto.randomUUID();
    const { data } = await admin.createUser({ id, email: uniqueEmail(), password: PASSWORD } as never);
    expect(data.user!.id).toBe(id);
  });

  it("refuses a taken address and a user without an address", async () => {
    const { email } = await createConfirmed();
    const taken = await admin.createUser({ email: email!, password: PASSWORD });
    expect(taken.error).toBeInstanceOf(AuthApiError);
    expect(taken.error).toMatchObject({ status: 422, code: "email_exists" });

    const nothing = await admin.createUser({ password: PASSWORD });
    expect(nothing.error).toMatchObject({
      status: 400,
      code: "validation_failed",
      message: "Cannot create a user without either an email or phone",
    });
  });
});

describe("listing users", () => {
  it("pages newest first, with the total and the next and last page from the Link header", async () => {
    for (let i = 0; i < 3; i += 1) await createConfirmed();
    const [{ total }] = await auth.sql<[{ total: number }]>`select count(*)::int as total from auth.users`;
    const perPage = Math.ceil(total / 3); // three pages: single-digit page numbers, as auth-js reads them
    const lastPage = Math.ceil(total / perPage);

    const first = await admin.listUsers({ page: 1, perPage });
    expect(first.error).toBeNull();
    expect(first.data).toMatchObject({ aud: "authenticated", total, nextPage: 2, lastPage });
    expect(first.data.users).toHaveLength(perPage);
    const created = first.data.users.map((user) => Date.parse(user.created_at));
    expect([...created].sort((a, b) => b - a)).toEqual(created);

    const last = await admin.listUsers({ page: lastPage, perPage });
    expect(last.data).toMatchObject({ total, lastPage, nextPage: null });
    const seen = new Set([...first.data.users, ...last.data.users].map((user) => user.id));
    expect(seen.size).toBe(first.data.users.length + last.data.users.length);

    const everyone = await admin.listUsers();
    expect(everyone.data.users).toHaveLength(Math.min(total, 50));
  });

  it("sends X-Total-Count and GoTrue's Link header", async () => {
    const [{ total }] = await auth.sql<[{ total: number }]>`select count(*)::int as total from auth.users`;
    const response = await fetch(`${auth.authUrl}/admin/users?page=1&per_page=1`, {
      headers: { authorization: `Bearer ${auth.keys.serviceRoleKey}`, apikey: auth.keys.serviceRoleKey },
    });
    expect(response.headers.get("x-total-count")).toBe(String(total));
    expect(response.headers.get("link")).toBe(
      `<${auth.authUrl}/admin/users?page=2&per_page=1>; rel="next", ` +
        `<${auth.authUrl}/admin/users?page=${total}&per_page=1>; rel="last"`,
    );
  });
});

describe("reading, updating and deleting a user", () => {
  it("reads a user by id, and answers 404 for unknown or malformed ids", async () => {
    const user = await createConfirmed();
    expect((await admin.getUserById(user.id)).data.user).toMatchObject({ id: user.id, email: user.email });

    const unknown = await admin.getUserById(crypto.randomUUID());
    expect(unknown.error).toMatchObject({ status: 404, code: "user_not_found", message: "User not found" });

    const response = await fetch(`${auth.authUrl}/admin/users/not-a-uuid`, {
      headers: { authorization: `Bearer ${auth.keys.serviceRoleKey}`, "x-supabase-api-version": "2024-01-01" },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: "validation_failed", message: "user_id must be an UUID" });
  });

  it("merges metadata, changes address and password, and confirms", async () => {
    const user = (await admin.createUser({ email: uniqueEmail(), password: PASSWORD, user_metadata: { a: 1 } })).data.user!;
    const email = uniqueEmail("moved");
    const { data, error } = await admin.updateUserById(user.id, {
      email,
      password: "a brand new password",
      email_confirm: true,
      user_metadata: { b: 2 },
      app_metadata: { roles: ["admin"] },
    });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      email,
      user_metadata: { a: 1, b: 2, email_verified: true },
      app_metadata: { provider: "email", providers: ["email"], roles: ["admin"] },
    });
    expect(data.user!.identities![0]!.identity_data!.email).toBe(email);
    expect((await signIn(email, "a brand new password")).error).toBeNull();
  });

  it("bans and unbans: no sign-in, no token use, no refresh while banned", async () => {
    const user = await createConfirmed();
    const session = (await signIn(user.email!)).data.session!;

    const banned = await admin.updateUserById(user.id, { ban_duration: "24h" });
    expect(Date.parse(banned.data.user!.banned_until!)).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    expect((await signIn(user.email!)).error).toMatchObject({ status: 400, code: "user_banned" });
    expect((await auth.client().auth.getUser(session.access_token)).error).toMatchObject({ status: 403, code: "user_banned" });
    const refresh = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error).toMatchObject({ status: 400, code: "user_banned" });

    const lifted = await admin.updateUserById(user.id, { ban_duration: "none" });
    expect(lifted.data.user!.banned_until).toBeUndefined();
    expect((await signIn(user.email!)).error).toBeNull();

    const bad = await admin.updateUserById(user.id, { ban_duration: "forever" });
    expect(bad.error).toMatchObject({ status: 400, code: "validation_failed" });
  });

  it("deletes a user with their sessions", async () => {
    const user = await createConfirmed();
    const session = (await signIn(user.email!)).data.session!;
    const { data, error } = await admin.deleteUser(user.id);
    expect(error).toBeNull();
    expect(data.user!.id).toBe(user.id);
    expect((await admin.getUserById(user.id)).error).toMatchObject({ code: "user_not_found" });
    expect((await auth.client().auth.getUser(session.access_token)).error).toMatchObject({ status: 403, code: "user_not_found" });
    expect(await auth.sql`select 1 from auth.sessions where user_id = ${user.id}`).toHaveLength(0);
  });

  it("soft-deletes: the row stays, without anything that identifies the user", async () => {
    const user = await createConfirmed();
    expect((await admin.deleteUser(user.id, true)).error).toBeNull();
    const { data } = await admin.getUserById(user.id);
    expect(data.user!.deleted_at).toBeTruthy();
    expect(data.user!.email).not.toBe(user.email);
    expect((await signIn(user.email!)).error).toMatchObject({ code: "invalid_credentials" });
  });
});

describe("generated links", () => {
  async function generate(params: Parameters<typeof admin.generateLink>[0]) {
    const { data, error } = await admin.generateLink(params);
    expect(error).toBeNull();
    return data;
  }

  it("signup: a confirmation link for a new user, mailed to nobody", async () => {
    const email = uniqueEmail();
    const { properties, user } = await generate({ type: "signup", email, password: PASSWORD, options: { data: { via: "link" } } });
    expect(user).toMatchObject({ email, user_metadata: { via: "link" } });
    expect(user!.email_confirmed_at).toBeUndefined();
    expect(properties).toMatchObject({ verification_type: "signup", redirect_to: auth.settings.site_url });
    expect(properties!.hashed_token).toBe(tokenHash(email, properties!.email_otp));
    expect(properties!.action_link).toBe(
      `${auth.authUrl}/verify?token=${properties!.hashed_token}&type=signup&redirect_to=${encodeURIComponent(auth.settings.site_url)}`,
    );
    expect(await auth.mailCount(email)).toBe(0);

    expect((await fetch(properties!.action_link, { redirect: "manual" })).status).toBe(303);
    expect((await signIn(email)).error).toBeNull();
  });

  it("invite: a password-less user who signs in by the link and then sets a password", async () => {
    const email = uniqueEmail();
    const { properties, user } = await generate({ type: "invite", email });
    expect(user!.invited_at).toBeTruthy();
    const client = auth.client();
    const verified = await client.auth.verifyOtp({ token_hash: properties!.hashed_token, type: "invite" });
    expect(verified.error).toBeNull();
    expect((await client.auth.updateUser({ password: PASSWORD })).error).toBeNull();
    expect((await signIn(email)).error).toBeNull();
  });

  it("magiclink: signs an existing user in by code; for a new address it becomes a sign-up", async () => {
    const { email } = await createConfirmed();
    const { properties } = await generate({ type: "magiclink", email: email! });
    expect(properties!.verification_type).toBe("magiclink");
    const verified = await auth.client().auth.verifyOtp({ email: email!, token: properties!.email_otp, type: "magiclink" });
    expect(verified.error).toBeNull();
    expect(verified.data.session!.user.email).toBe(email);

    const fresh = await generate({ type: "magiclink", email: uniqueEmail() });
    expect(fresh.properties!.verification_type).toBe("signup");
    expect(new URL(fresh.properties!.action_link).searchParams.get("type")).toBe("signup");
  });

  it("recovery: a sign-in link for an existing user; 404 for an unknown one", async () => {
    const { email } = await createConfirmed();
    const { properties } = await generate({ type: "recovery", email: email!, options: { redirectTo: "http://127.0.0.1:3000/reset" } });
    expect(properties!.redirect_to).toBe("http://127.0.0.1:3000/reset");
    const verified = await auth.client().auth.verifyOtp({ token_hash: properties!.hashed_token, type: "recovery" });
    expect(verified.error).toBeNull();

    const unknown = await admin.generateLink({ type: "recovery", email: uniqueEmail() });
    expect(unknown.error).toMatchObject({ status: 404, code: "user_not_found" });
  });

  it("email_change_current and email_change_new: the address changes once both links are used", async () => {
    const { email, id } = await createConfirmed();
    const newEmail = uniqueEmail("new");
    const current = await generate({ type: "email_change_current", email: email!, newEmail });
    const next = await generate({ type: "email_change_new", email: email!, newEmail });
    expect(current.user!.new_email).toBe(newEmail);
    expect(new URL(next.properties!.action_link).searchParams.get("type")).toBe("email_change");

    expect((await fetch(current.properties!.action_link, { redirect: "manual" })).status).toBe(303);
    expect((await admin.getUserById(id)).data.user!.email).toBe(email);
    const done = await auth.client().auth.verifyOtp({ token_hash: linkToken(next.properties!.action_link), type: "email_change" });
    expect(done.error).toBeNull();
    expect((await admin.getUserById(id)).data.user!.email).toBe(newEmail);
  });

  it("inviteUserByEmail mails an invitation whose link signs the user in", async () => {
    const email = uniqueEmail("invited");
    const { data, error } = await admin.inviteUserByEmail(email, { data: { team: "ndi" } });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, user_metadata: { team: "ndi" } });
    const mail = await auth.latestMail(email, "invite");
    expect(mail.subject).toBe("You've been invited");
    const response = await fetch(mail.actionLink!, { redirect: "manual" });
    const fragment = new URLSearchParams(new URL(response.headers.get("location")!).hash.slice(1));
    expect(fragment.get("type")).toBe("invite");
    expect((await auth.client().auth.getUser(fragment.get("access_token")!)).data.user!.email_confirmed_at).toBeTruthy();
  });
});

describe("who may use the admin API", () => {
  it("refuses the anon key, a user's token, a missing token and a forged one", async () => {
    const anon = await auth.client().auth.admin.listUsers();
    expect(anon.error).toBeInstanceOf(AuthApiError);
    expect(anon.error).toMatchObject({ status: 403, code: "not_admin", message: "User not allowed" });

    const { email } = await createConfirmed();
    const token = (await signIn(email!)).data.session!.access_token;
    const asUser = async (authorization?: string) => {
      const response = await fetch(`${auth.authUrl}/admin/users`, {
        headers: { ...(authorization ? { authorization } : {}), "x-supabase-api-version": "2024-01-01" },
      });
      return { status: response.status, body: await response.json() };
    };
    expect(await asUser(`Bearer ${token}`)).toEqual({ status: 403, body: { code: "not_admin", message: "User not allowed" } });
    expect(await asUser()).toEqual({
      status: 401,
      body: { code: "no_authorization", message: "This endpoint requires a valid Bearer token" },
    });
    const forged = await asUser(`Bearer ${auth.keys.serviceRoleKey.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe("bad_jwt");
  });
});
