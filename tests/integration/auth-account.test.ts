// Managing one's own account through supabase-js: password changes and their errors, password
// recovery by mail, metadata, and changing the e-mail address with confirmation from both sides.
import { AuthApiError, AuthWeakPasswordError } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";
import { confirmedUser, linkToken, PASSWORD, signedIn, uniqueEmail, useAuthFixture } from "../support/auth.ts";

describe("with the project's settings", () => {
  const auth = useAuthFixture();

  it("changes the password and signs out the other sessions", async () => {
    const email = await confirmedUser(auth);
    const [other, current] = [await signedIn(auth, email), await signedIn(auth, email)];
    const otherToken = (await other.auth.getSession()).data.session!.access_token;

    const { data, error } = await current.auth.updateUser({ password: "a brand new password" });
    expect(error).toBeNull();
    expect(data.user!.email).toBe(email);

    expect((await auth.client().auth.signInWithPassword({ email, password: PASSWORD })).error).toMatchObject({
      code: "invalid_credentials",
    });
    expect((await auth.client().auth.signInWithPassword({ email, password: "a brand new password" })).error).toBeNull();
    expect((await current.auth.getUser()).error).toBeNull();
    expect((await auth.client().auth.getUser(otherToken)).error).toMatchObject({ name: "AuthSessionMissingError" });

    const [audit] = await auth.sql`select count(*)::int as n from auth.audit_log_entries
      where payload ->> 'actor_username' = ${email} and payload ->> 'action' = 'user_updated_password'`;
    expect(audit!.n).toBe(1);
  });

  it("refuses a weak password with AuthWeakPasswordError and its reasons", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const { error } = await client.auth.updateUser({ password: "short" });
    expect(error).toBeInstanceOf(AuthWeakPasswordError);
    expect(error).toMatchObject({
      status: 422,
      code: "weak_password",
      message: "Password should be at least 6 characters.",
      reasons: ["length"],
    });

    const signUp = await auth.client().auth.signUp({ email: uniqueEmail(), password: "12345" });
    expect(signUp.error).toBeInstanceOf(AuthWeakPasswordError);
  });

  it("refuses the current password as the new one with same_password", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const { error } = await client.auth.updateUser({ password: PASSWORD });
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({
      status: 422,
      code: "same_password",
      message: "New password should be different from the old password.",
    });
  });

  it("merges data into user_metadata; null removes a key", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    await client.auth.updateUser({ data: { name: "Ada", lab: "Brandeis" } });
    await client.auth.updateUser({ data: { lab: null, orcid: "0000-0002-1825-0097" } });
    const { data } = await client.auth.getUser();
    expect(data.user!.user_metadata).toEqual({ name: "Ada", orcid: "0000-0002-1825-0097", email_verified: true });
  });

  it("keeps app_metadata for admins", async () => {
    const client = await signedIn(auth, await confirmedUser(auth));
    const response = await fetch(`${auth.authUrl}/user`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${(await client.auth.getSession()).data.session!.access_token}`,
        "content-type": "application/json",
        "x-supabase-api-version": "2024-01-01",
      },
      body: JSON.stringify({ app_metadata: { admin: true } }),
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: "not_admin", message: "Updating app_metadata requires admin privileges" });
  });

  it("resets a forgotten password by the recovery mail", async () => {
    const email = await confirmedUser(auth);
    const client = auth.client();
    expect((await client.auth.resetPasswordForEmail(email, { redirectTo: "http://127.0.0.1:3000/reset" })).error).toBeNull();
    const mail = await auth.latestMail(email);
    expect(mail).toMatchObject({ kind: "recovery", subject: "Reset your password" });
    expect(new URL(mail.actionLink!).searchParams.get("type")).toBe("recovery");
    expect(new URL(mail.actionLink!).searchParams.get("redirect_to")).toBe("http://127.0.0.1:3000/reset");

    const events: string[] = [];
    client.auth.onAuthStateChange((event) => events.push(event));
    const verified = await client.auth.verifyOtp({ token_hash: linkToken(mail.actionLink!), type: "recovery" });
    expect(verified.error).toBeNull();
    expect(events).toContain("PASSWORD_RECOVERY");
    expect((await client.auth.updateUser({ password: "remembered at last" })).error).toBeNull();

    expect((await auth.client().auth.signInWithPassword({ email, password: "remembered at last" })).error).toBeNull();
    expect((await auth.client().auth.verifyOtp({ token_hash: linkToken(mail.actionLink!), type: "recovery" })).error)
      .toMatchObject({ code: "otp_expired" });
  });

  it("signs in from the recovery link (GET) with type=recovery in the fragment", async () => {
    const email = await confirmedUser(auth);
    await auth.client().auth.resetPasswordForEmail(email);
    const response = await fetch((await auth.latestMail(email)).actionLink!, { redirect: "manual" });
    expect(response.status).toBe(303);
    const fragment = new URLSearchParams(new URL(response.headers.get("location")!).hash.slice(1));
    expect(fragment.get("type")).toBe("recovery");
    expect((await auth.client().auth.getUser(fragment.get("access_token")!)).data.user!.email).toBe(email);
  });

  it("answers a reset for an unknown address like any other, and mails nothing", async () => {
    const email = uniqueEmail("nobody");
    const { data, error } = await auth.client().auth.resetPasswordForEmail(email);
    expect(error).toBeNull();
    expect(data).toEqual({});
    expect(await auth.mailCount(email)).toBe(0);
  });

  it("cannot tell a wrong password from an unknown address", async () => {
    const email = await confirmedUser(auth);
    const attempts = [
      { email, password: "wrong password" },
      { email: uniqueEmail("nobody"), password: "wrong password" },
    ];
    const errors = [];
    for (const attempt of attempts) {
      const { data, error } = await auth.client().auth.signInWithPassword(attempt);
      expect(data.session).toBeNull();
      errors.push({ name: error!.name, status: error!.status, code: error!.code, message: error!.message });
    }
    expect(errors[0]).toEqual({ name: "AuthApiError", status: 400, code: "invalid_credentials", message: "Invalid login credentials" });
    expect(errors[1]).toEqual(errors[0]);

    const raw = await Promise.all(
      attempts.map(async (attempt) => {
        const response = await fetch(`${auth.authUrl}/token?grant_type=password`, {
          method: "POST",
          headers: { "content-type": "application/json", apikey: auth.keys.anonKey },
          body: JSON.stringify(attempt),
        });
        return { status: response.status, body: await response.text(), code: response.headers.get("x-sb-error-code") };
      }),
    );
    expect(raw[1]).toEqual(raw[0]);
  });

  it("changes the e-mail address once both the old and the new address confirm", async () => {
    const email = await confirmedUser(auth);
    const newEmail = uniqueEmail("new");
    const client = await signedIn(auth, email);
    const { data, error } = await client.auth.updateUser({ email: newEmail });
    expect(error).toBeNull();
    expect(data.user).toMatchObject({ email, new_email: newEmail });
    expect(data.user!.email_change_sent_at).toBeTruthy();

    const toOld = await auth.latestMail(email, "email_change");
    const toNew = await auth.latestMail(newEmail, "email_change");
    expect(toOld.otp).not.toBe(toNew.otp);
    expect(toNew.subject).toBe("Confirm your new email address");

    // The old address confirms by its link: accepted, but nothing changes yet and nobody is signed in.
    const first = await fetch(toOld.actionLink!, { redirect: "manual" });
    expect(first.status).toBe(303);
    const fragment = new URLSearchParams(new URL(first.headers.get("location")!).hash.slice(1));
    expect(fragment.get("message")).toBe(
      "Confirmation link accepted. Please proceed to confirm link sent to the other email",
    );
    expect(fragment.get("access_token")).toBeNull();
    expect((await client.auth.getUser()).data.user!.email).toBe(email);

    // The new address confirms by its code: now the address changes.
    const second = await auth.client().auth.verifyOtp({ email: newEmail, token: toNew.otp!, type: "email_change" });
    expect(second.error).toBeNull();
    expect(second.data.session!.user.email).toBe(newEmail);
    const { data: after } = await client.auth.getUser();
    expect(after.user!.email).toBe(newEmail);
    expect(after.user!.new_email).toBeUndefined();
    expect(after.user!.identities![0]!.identity_data!.email).toBe(newEmail);
    expect((await auth.client().auth.signInWithPassword({ email: newEmail, password: PASSWORD })).error).toBeNull();
    expect((await auth.client().auth.signInWithPassword({ email, password: PASSWORD })).error).toMatchObject({
      code: "invalid_credentials",
    });
  });

  it("answers the first half of an e-mail change confirmed by verifyOtp without a session", async () => {
    const email = await confirmedUser(auth);
    const newEmail = uniqueEmail("new");
    const client = await signedIn(auth, email);
    await client.auth.updateUser({ email: newEmail });
    const toNew = await auth.latestMail(newEmail, "email_change");
    const first = await auth.client().auth.verifyOtp({ token_hash: linkToken(toNew.actionLink!), type: "email_change" });
    expect(first).toEqual({ data: { user: null, session: null }, error: null });
    const toOld = await auth.latestMail(email, "email_change");
    const second = await auth.client().auth.verifyOtp({ email, token: toOld.otp!, type: "email_change" });
    expect(second.data.user!.email).toBe(newEmail);
  });

  it("resends the e-mail change mails, and refuses an address that is taken", async () => {
    const email = await confirmedUser(auth);
    const taken = await confirmedUser(auth);
    const client = await signedIn(auth, email);
    const clash = await client.auth.updateUser({ email: taken });
    expect(clash.error).toMatchObject({
      status: 422,
      code: "email_exists",
      message: "A user with this email address has already been registered",
    });

    const newEmail = uniqueEmail("new");
    await client.auth.updateUser({ email: newEmail });
    await new Promise((resolve) => setTimeout(resolve, auth.settings.email.max_frequency * 1000 + 100));
    expect((await auth.client().auth.resend({ type: "email_change", email })).error).toBeNull();
    expect(await auth.mailCount(newEmail)).toBe(2);
    expect(await auth.mailCount(email)).toBe(2);
  });
});

describe("with stricter password rules than the stored password meets", () => {
  const auth = useAuthFixture((settings) => {
    settings.minimum_password_length = 12;
    settings.password_requirements = "lower_upper_letters_digits";
  });

  it("still signs in, and says why the password is weak", async () => {
    const email = await confirmedUser(auth, "weakpass");
    const { data, error } = await auth.client().auth.signInWithPassword({ email, password: "weakpass" });
    expect(error).toBeNull();
    expect(data.session).not.toBeNull();
    expect(data.weakPassword).toEqual({
      message:
        "Password should be at least 12 characters. Password should contain at least one character of each: " +
        "abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789.",
      reasons: ["length", "characters"],
    });
  });
});
