// Sign-up with e-mail confirmation, through supabase-js against the embedded Auth server: the
// confirmation mail in the sink, the three ways to confirm, and what a taken address reveals.
import { AuthApiError } from "@supabase/supabase-js";
import { decodeJwt, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { tokenHash } from "../../embedded/auth/one-time-tokens.ts";
import { linkToken, PASSWORD, uniqueEmail, useAuthFixture } from "../support/auth.ts";

const auth = useAuthFixture();

async function signUp(email: string, options: { data?: object; emailRedirectTo?: string } = {}) {
  const { data, error } = await auth.client().auth.signUp({ email, password: PASSWORD, options });
  expect(error).toBeNull();
  return data;
}

describe("sign-up with confirmation required", () => {
  it("answers with the new user, no session, and mails a link and a code", async () => {
    const email = uniqueEmail();
    const data = await signUp(email, { data: { name: "Ada" }, emailRedirectTo: "http://127.0.0.1:3000/welcome" });
    expect(data.session).toBeNull();
    expect(data.user).toMatchObject({
      email,
      aud: "authenticated",
      role: "authenticated",
      user_metadata: { name: "Ada" },
      app_metadata: { provider: "email", providers: ["email"] },
      is_anonymous: false,
    });
    expect(data.user!.confirmation_sent_at).toBeTruthy();
    expect(data.user!.email_confirmed_at).toBeUndefined();
    expect(data.user!.identities).toHaveLength(1);
    expect(data.user!.identities![0]).toMatchObject({ provider: "email", id: data.user!.id, user_id: data.user!.id });

    const mail = await auth.latestMail(email);
    expect(mail).toMatchObject({ kind: "signup", subject: "Confirm your email address" });
    expect(mail.otp).toMatch(/^\d{6}$/);
    const link = new URL(mail.actionLink!);
    expect(`${link.origin}${link.pathname}`).toBe(`${auth.authUrl}/verify`);
    expect(link.searchParams.get("type")).toBe("signup");
    expect(link.searchParams.get("redirect_to")).toBe("http://127.0.0.1:3000/welcome");
    expect(mail.text).toContain(mail.actionLink);
    expect(mail.text).toContain(mail.otp);

    // Only the hash is stored, and it is the one in the link.
    const [row] = await auth.sql`select confirmation_token from auth.users where id = ${data.user!.id}`;
    expect(row!.confirmation_token).toBe(tokenHash(email, mail.otp!));
    expect(linkToken(mail.actionLink!)).toBe(row!.confirmation_token);
  });

  it("refuses to sign in before the address is confirmed", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const { data, error } = await auth.client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(data.session).toBeNull();
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 400, code: "email_not_confirmed", message: "Email not confirmed" });
  });

  it("confirms by the e-mail link: a 303 to redirect_to with the session in the fragment", async () => {
    const email = uniqueEmail();
    await signUp(email, { emailRedirectTo: "http://127.0.0.1:3000/welcome" });
    const mail = await auth.latestMail(email);

    const response = await fetch(mail.actionLink!, { redirect: "manual" });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe("http://127.0.0.1:3000/welcome");
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("type")).toBe("signup");
    expect(fragment.get("token_type")).toBe("bearer");
    expect(Number(fragment.get("expires_in"))).toBe(auth.settings.jwt_expiry);
    expect(fragment.get("refresh_token")).toBeTruthy();

    const { data, error } = await auth.client().auth.getUser(fragment.get("access_token")!);
    expect(error).toBeNull();
    expect(data.user!.email).toBe(email);
    expect(data.user!.email_confirmed_at).toBeTruthy();
    expect(data.user!.user_metadata.email_verified).toBe(true);
    expect(data.user!.identities![0]!.identity_data!.email_verified).toBe(true);

    const signIn = await auth.client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(signIn.data.session!.user.id).toBe(data.user!.id);
  });

  it("sends a used or unknown link to redirect_to with the error in the fragment", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const mail = await auth.latestMail(email);
    expect((await fetch(mail.actionLink!, { redirect: "manual" })).status).toBe(303);

    const again = await fetch(mail.actionLink!, { redirect: "manual" });
    expect(again.status).toBe(303);
    const location = new URL(again.headers.get("location")!);
    expect(location.origin).toBe(new URL(auth.settings.site_url).origin);
    expect(Object.fromEntries(new URLSearchParams(location.hash.slice(1)))).toEqual({
      error: "access_denied",
      error_code: "otp_expired",
      error_description: "Email link is invalid or has expired",
      sb: "",
    });
  });

  it("never redirects to a site that is not allowed", async () => {
    const email = uniqueEmail();
    await signUp(email, { emailRedirectTo: "https://attacker.example.net/steal" });
    const mail = await auth.latestMail(email);
    expect(new URL(mail.actionLink!).searchParams.get("redirect_to")).toBe(auth.settings.site_url);
    const response = await fetch(mail.actionLink!, { redirect: "manual" });
    expect(response.headers.get("location")!.startsWith(auth.settings.site_url)).toBe(true);
  });

  it("confirms with verifyOtp and the link's token hash", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const mail = await auth.latestMail(email);
    const client = auth.client();
    const { data, error } = await client.auth.verifyOtp({ token_hash: linkToken(mail.actionLink!), type: "signup" });
    expect(error).toBeNull();
    expect(data.session!.user.email_confirmed_at).toBeTruthy();
    expect((await client.auth.getUser()).data.user!.email).toBe(email);
  });

  it("confirms with verifyOtp and the typed code, as type signup or email", async () => {
    for (const type of ["signup", "email"] as const) {
      const email = uniqueEmail(type);
      await signUp(email);
      const { otp } = await auth.latestMail(email);
      const { data, error } = await auth.client().auth.verifyOtp({ email, token: otp!, type });
      expect(error).toBeNull();
      expect(data.session!.user.email_confirmed_at).toBeTruthy();
    }
  });

  it("rejects a wrong code with otp_expired", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const { otp } = await auth.latestMail(email);
    const wrong = otp === "000000" ? "111111" : "000000";
    const { data, error } = await auth.client().auth.verifyOtp({ email, token: wrong, type: "signup" });
    expect(data.session).toBeNull();
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 403, code: "otp_expired", message: "Token has expired or is invalid" });
  });

  it("rejects a code older than otp_expiry", async () => {
    const email = uniqueEmail();
    const { user } = await signUp(email);
    const { otp } = await auth.latestMail(email);
    await auth.sql`update auth.users set confirmation_sent_at = now() - make_interval(secs => ${auth.settings.email.otp_expiry + 1})
                   where id = ${user!.id}`;
    const { error } = await auth.client().auth.verifyOtp({ email, token: otp!, type: "signup" });
    expect(error).toMatchObject({ status: 403, code: "otp_expired" });
  });
});

describe("signing up with an address that is taken", () => {
  it("answers like a new sign-up (but with no identities) and mails nothing", async () => {
    const email = uniqueEmail();
    const first = await signUp(email, { data: { name: "first" } });
    const { otp } = await auth.latestMail(email);
    await auth.client().auth.verifyOtp({ email, token: otp!, type: "signup" });
    const mails = await auth.mailCount(email);

    const again = await signUp(email, { data: { name: "second" } });
    expect(again.session).toBeNull();
    expect(again.user!.id).not.toBe(first.user!.id);
    expect(again.user).toMatchObject({ email, role: "", identities: [], user_metadata: { name: "second" } });
    expect(Object.keys(again.user!).sort()).toEqual(Object.keys(first.user!).sort());
    expect(await auth.mailCount(email)).toBe(mails);

    const [row] = await auth.sql`select raw_user_meta_data from auth.users where email = ${email}`;
    expect(row!.raw_user_meta_data).toMatchObject({ name: "first" });
  });

  it("mails the confirmation again while the first sign-up is unconfirmed", async () => {
    const email = uniqueEmail();
    const first = await signUp(email);
    const firstMail = await auth.latestMail(email);
    await new Promise((resolve) => setTimeout(resolve, auth.settings.email.max_frequency * 1000 + 100));

    const again = await signUp(email);
    expect(again.user!.id).toBe(first.user!.id);
    const secondMail = await auth.latestMail(email);
    expect(secondMail.id).not.toBe(firstMail.id);
    // Only the newest code works.
    const stale = await auth.client().auth.verifyOtp({ email, token: firstMail.otp!, type: "signup" });
    expect(stale.error).toMatchObject({ code: "otp_expired" });
    const fresh = await auth.client().auth.verifyOtp({ email, token: secondMail.otp!, type: "signup" });
    expect(fresh.error).toBeNull();
  });
});

describe("resend", () => {
  it("resends the confirmation, but not faster than max_frequency", async () => {
    const email = uniqueEmail();
    await signUp(email);
    const client = auth.client();
    const tooSoon = await client.auth.resend({ type: "signup", email });
    expect(tooSoon.error).toBeInstanceOf(AuthApiError);
    expect(tooSoon.error).toMatchObject({ status: 429, code: "over_email_send_rate_limit" });
    expect(tooSoon.error!.message).toMatch(/^For security purposes, you can only request this after \d+ seconds\.$/);

    await new Promise((resolve) => setTimeout(resolve, auth.settings.email.max_frequency * 1000 + 100));
    const before = await auth.mailCount(email);
    const { error } = await client.auth.resend({ type: "signup", email });
    expect(error).toBeNull();
    expect(await auth.mailCount(email)).toBe(before + 1);
    const { otp } = await auth.latestMail(email, "signup");
    expect((await client.auth.verifyOtp({ email, token: otp!, type: "signup" })).error).toBeNull();
  });

  it("answers {} and sends nothing for unknown or already confirmed addresses", async () => {
    const unknown = uniqueEmail("nobody");
    expect((await auth.client().auth.resend({ type: "signup", email: unknown })).error).toBeNull();
    expect(await auth.mailCount(unknown)).toBe(0);
  });
});

describe("the session of a confirmed user", () => {
  it("carries Supabase's claim set in an HS256 access token", async () => {
    const email = uniqueEmail();
    const { user } = await signUp(email, { data: { name: "Claims" } });
    const { otp } = await auth.latestMail(email);
    await auth.client().auth.verifyOtp({ email, token: otp!, type: "signup" });
    const { data } = await auth.client().auth.signInWithPassword({ email, password: PASSWORD });
    const session = data.session!;

    const secret = new TextEncoder().encode(auth.keys.jwtSecret);
    const { payload, protectedHeader } = await jwtVerify(session.access_token, secret);
    expect(protectedHeader).toMatchObject({ alg: "HS256", typ: "JWT" });
    expect(payload).toEqual({
      iss: auth.authUrl,
      sub: user!.id,
      aud: "authenticated",
      exp: payload.iat! + auth.settings.jwt_expiry,
      iat: expect.any(Number),
      email,
      phone: "",
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: { name: "Claims", email_verified: true },
      role: "authenticated",
      aal: "aal1",
      amr: [{ method: "password", timestamp: expect.any(Number) }],
      session_id: expect.any(String),
      is_anonymous: false,
    });
    expect(decodeJwt(session.access_token).aud).toBe("authenticated");
    expect(session.expires_at).toBe(payload.exp);
    expect(session.token_type).toBe("bearer");
    const sessions = await auth.sql`select user_id from auth.sessions where id = ${payload.session_id as string}`;
    expect(sessions).toEqual([{ user_id: user!.id }]);
  });

  it("leaves an audit trail of sign-up, confirmation and login", async () => {
    const email = uniqueEmail();
    const { user } = await signUp(email);
    const { otp } = await auth.latestMail(email);
    await auth.client().auth.verifyOtp({ email, token: otp!, type: "signup" });
    await auth.client().auth.signInWithPassword({ email, password: PASSWORD });
    const rows = await auth.sql<{ payload: Record<string, unknown> }[]>`
      select payload from auth.audit_log_entries where payload ->> 'actor_id' = ${user!.id} order by created_at`;
    expect(rows.map((row) => row.payload.action)).toEqual(
      expect.arrayContaining(["user_confirmation_requested", "user_signedup", "login"]),
    );
    const requested = rows.find((row) => row.payload.action === "user_confirmation_requested")!;
    expect(requested.payload).toMatchObject({ actor_username: email, log_type: "user", traits: { provider: "email" } });
  });
});
