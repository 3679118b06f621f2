// Sessions through supabase-js: refresh-token rotation and reuse detection, getUser, the three
// sign-out scopes, and access tokens outliving their session or their lifetime.
import { AuthApiError, AuthSessionMissingError, type SupabaseClient } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";
import { confirmedUser, signedIn, useAuthFixture } from "../support/auth.ts";

async function accessToken(client: SupabaseClient): Promise<string> {
  return (await client.auth.getSession()).data.session!.access_token;
}

describe("with the project's settings", () => {
  const auth = useAuthFixture();

  async function refresh(token: string) {
    return auth.client().auth.refreshSession({ refresh_token: token });
  }

  async function tokenRow(token: string) {
    const [row] = await auth.sql<{ revoked: boolean; parent: string | null; session_id: string }[]>`
      select revoked, parent, session_id from auth.refresh_tokens where token = ${token}`;
    return row;
  }

  it("rotates the refresh token on every refresh, chaining each to its parent", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const first = (await client.auth.getSession()).data.session!;
    const { data, error } = await refresh(first.refresh_token);
    expect(error).toBeNull();
    const second = data.session!;
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.user.id).toBe(first.user.id);
    expect(await tokenRow(first.refresh_token)).toMatchObject({ revoked: true, parent: null });
    const child = await tokenRow(second.refresh_token);
    expect(child).toMatchObject({ revoked: false, parent: first.refresh_token });
    expect(child!.session_id).toBe((await tokenRow(first.refresh_token))!.session_id);
    // The new access token belongs to the same session.
    const user = await auth.client().auth.getUser(second.access_token);
    expect(user.error).toBeNull();
  });

  it("answers a repeated refresh (lost response) with the token already issued", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const first = (await client.auth.getSession()).data.session!.refresh_token;
    const second = (await refresh(first)).data.session!.refresh_token;
    const repeated = await refresh(first);
    expect(repeated.error).toBeNull();
    expect(repeated.data.session!.refresh_token).toBe(second);
  });

  it("accepts an older revoked token within refresh_token_reuse_interval", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const first = (await client.auth.getSession()).data.session!.refresh_token;
    const second = (await refresh(first)).data.session!.refresh_token;
    await refresh(second);
    const reused = await refresh(first);
    expect(reused.error).toBeNull();
  });

  it("ends the whole session when a revoked token comes back after the reuse interval", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const session = (await client.auth.getSession()).data.session!;
    const second = (await refresh(session.refresh_token)).data.session!;
    const third = (await refresh(second.refresh_token)).data.session!;
    // As if the first token had been revoked long ago.
    await auth.sql`update auth.refresh_tokens set updated_at = now() - interval '1 hour' where token = ${session.refresh_token}`;

    const stolen = await refresh(session.refresh_token);
    expect(stolen.data.session).toBeNull();
    expect(stolen.error).toBeInstanceOf(AuthApiError);
    expect(stolen.error).toMatchObject({ status: 400, code: "refresh_token_already_used", message: "Invalid Refresh Token: Already Used" });

    const latest = await refresh(third.refresh_token);
    expect(latest.error).toMatchObject({ status: 400, code: "refresh_token_not_found" });
    const user = await auth.client().auth.getUser(third.access_token);
    expect(user.error).toBeInstanceOf(AuthSessionMissingError);
    expect(await auth.sql`select 1 from auth.refresh_tokens where token = ${third.refresh_token}`).toHaveLength(0);
  });

  it("rejects unknown and missing refresh tokens", async () => {
    const unknown = await refresh("not-a-token");
    expect(unknown.error).toMatchObject({ status: 400, code: "refresh_token_not_found", message: "Invalid Refresh Token: Refresh Token Not Found" });

    const response = await fetch(`${auth.authUrl}/token?grant_type=refresh_token`, {
      method: "POST",
      headers: { "content-type": "application/json", apikey: auth.keys.anonKey },
      body: "{}",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_request", error_description: "refresh_token required" });
  });

  it("getUser returns the signed-in user with identities", async () => {
    const email = await confirmedUser(auth);
    const client = await signedIn(auth, email);
    const { data, error } = await client.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, role: "authenticated", aud: "authenticated" });
    expect(data.user!.last_sign_in_at).toBeTruthy();
    expect(data.user!.identities).toHaveLength(1);
  });

  it("signs out other sessions, this session, and all sessions by scope", async () => {
    const email = await confirmedUser(auth);
    const [a, b, c] = [await signedIn(auth, email), await signedIn(auth, email), await signedIn(auth, email)];
    const [tokenA, tokenB, tokenC] = [await accessToken(a), await accessToken(b), await accessToken(c)];

    expect((await b.auth.signOut({ scope: "others" })).error).toBeNull();
    for (const token of [tokenA, tokenC]) {
      const { error } = await auth.client().auth.getUser(token);
      expect(error).toBeInstanceOf(AuthSessionMissingError);
    }
    expect((await auth.client().auth.getUser(tokenB)).error).toBeNull();

    expect((await b.auth.signOut({ scope: "local" })).error).toBeNull();
    expect((await auth.client().auth.getUser(tokenB)).error).toBeInstanceOf(AuthSessionMissingError);
    expect((await b.auth.getSession()).data.session).toBeNull();

    const [d, e] = [await signedIn(auth, email), await signedIn(auth, email)];
    const refreshE = (await e.auth.getSession()).data.session!.refresh_token;
    expect((await d.auth.signOut()).error).toBeNull();
    expect((await auth.client().auth.getUser(await accessToken(e))).error).toBeInstanceOf(AuthSessionMissingError);
    expect((await refresh(refreshE)).error).toMatchObject({ code: "refresh_token_not_found" });
  });

  it("answers /logout with 204, session_not_found once the session is gone, and 400 for an unknown scope", async () => {
    const token = await accessToken(await signedIn(auth, await confirmedUser(auth)));
    const logout = (scope: string) =>
      fetch(`${auth.authUrl}/logout?scope=${scope}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, apikey: auth.keys.anonKey, "x-supabase-api-version": "2024-01-01" },
      });
    const unknownScope = await logout("everywhere");
    expect(unknownScope.status).toBe(400);
    expect(await unknownScope.json()).toEqual({ code: "validation_failed", message: 'Unsupported logout scope "everywhere"' });

    const first = await logout("local");
    expect(first.status).toBe(204);
    expect(await first.text()).toBe("");
    const second = await logout("local");
    expect(second.status).toBe(403);
    expect(await second.json()).toEqual({
      code: "session_not_found",
      message: "Session from session_id claim in JWT does not exist",
    });
  });

  it("rejects tokens not signed with the project secret, and requests without one", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const [header, payload] = (await accessToken(client)).split(".");
    const forged = `${header}.${payload}.${Buffer.from("forged signature").toString("base64url")}`;
    const forgedUser = await auth.client().auth.getUser(forged);
    expect(forgedUser.error).toBeInstanceOf(AuthApiError);
    expect(forgedUser.error).toMatchObject({ status: 403, code: "bad_jwt" });

    const response = await fetch(`${auth.authUrl}/user`, {
      headers: { apikey: auth.keys.anonKey, "x-supabase-api-version": "2024-01-01" },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: "no_authorization", message: "This endpoint requires a valid Bearer token" });
  });

  it("records logins, refreshes and logouts in the audit log", async () => {
    const email = await confirmedUser(auth);
    const client = await signedIn(auth, email);
    await refresh((await client.auth.getSession()).data.session!.refresh_token);
    await client.auth.signOut();
    const rows = await auth.sql<{ action: string; log_type: string }[]>`
      select payload ->> 'action' as action, payload ->> 'log_type' as log_type
      from auth.audit_log_entries where payload ->> 'actor_username' = ${email}`;
    expect(rows).toEqual(
      expect.arrayContaining([
        { action: "login", log_type: "account" },
        { action: "token_refreshed", log_type: "token" },
        { action: "token_revoked", log_type: "token" },
        { action: "logout", log_type: "account" },
      ]),
    );
  });
});

describe("with a one-second jwt_expiry", () => {
  const auth = useAuthFixture((settings) => {
    settings.jwt_expiry = 1;
  });

  it("rejects an expired access token, and a refresh gives a working one", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const session = (await client.auth.getSession()).data.session!;
    expect(session.expires_in).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 2100));

    const expired = await auth.client().auth.getUser(session.access_token);
    expect(expired.error).toBeInstanceOf(AuthApiError);
    expect(expired.error).toMatchObject({ status: 403, code: "bad_jwt" });
    expect(expired.error!.message).toContain("token is expired");

    const refreshed = await auth.client().auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refreshed.error).toBeNull();
    expect((await auth.client().auth.getUser(refreshed.data.session!.access_token)).error).toBeNull();
  });
});
