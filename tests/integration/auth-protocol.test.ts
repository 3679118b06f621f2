// The Auth API's wire behaviour beyond the happy paths: both error formats, rate limits, request
// limits, and the settings that change answers (autoconfirm, disabled sign-ups).
import { AuthApiError, createClient } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";
import { PASSWORD, uniqueEmail, useAuthFixture, type AuthFixture } from "../support/auth.ts";

function post(auth: AuthFixture, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${auth.authUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", apikey: auth.keys.anonKey, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("with the project's settings", () => {
  const auth = useAuthFixture();

  const wrongLogin = { email: "nobody@example.org", password: "wrong password" };

  it("answers clients naming API version 2024-01-01 (or later) with {code, message}", async () => {
    for (const version of ["2024-01-01", "2025-06-30"]) {
      const response = await post(auth, "/token?grant_type=password", wrongLogin, { "x-supabase-api-version": version });
      expect(response.status).toBe(400);
      expect(response.headers.get("x-supabase-api-version")).toBe("2024-01-01");
      expect(response.headers.get("x-sb-error-code")).toBe("invalid_credentials");
      expect(await response.json()).toEqual({ code: "invalid_credentials", message: "Invalid login credentials" });
    }
  });

  it("answers older clients with the legacy {code: status, error_code, msg}", async () => {
    const requests: Record<string, string>[] = [{}, { "x-supabase-api-version": "2023-05-01" }, { "x-supabase-api-version": "garbage" }];
    for (const headers of requests) {
      const response = await post(auth, "/token?grant_type=password", wrongLogin, headers);
      expect(response.status).toBe(400);
      expect(response.headers.get("x-supabase-api-version")).toBeNull();
      expect(response.headers.get("x-sb-error-code")).toBe("invalid_credentials");
      expect(await response.json()).toEqual({ code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" });
    }
    const weak = await post(auth, "/signup", { email: uniqueEmail(), password: "123" });
    expect(weak.status).toBe(422);
    expect(await weak.json()).toEqual({
      code: 422,
      error_code: "weak_password",
      msg: "Password should be at least 6 characters.",
      weak_password: { reasons: ["length"] },
    });
  });

  it("lets supabase-js read the legacy format too", async () => {
    const legacy = createClient(auth.url, auth.keys.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: {
        fetch: (input, init) => {
          const headers = new Headers(init?.headers);
          headers.delete("x-supabase-api-version");
          return fetch(input, { ...init, headers });
        },
      },
    });
    const { error } = await legacy.auth.signInWithPassword(wrongLogin);
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 400, code: "invalid_credentials", message: "Invalid login credentials" });
  });

  it("refuses bad JSON, wrong field types, unknown grant types and bodies over 1 MB", async () => {
    const version = { "x-supabase-api-version": "2024-01-01" };
    const badJson = await post(auth, "/signup", "{not json", version);
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).code).toBe("bad_json");

    const wrongType = await post(auth, "/signup", { email: 42, password: PASSWORD }, version);
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).code).toBe("bad_json");

    const grant = await post(auth, "/token?grant_type=magic", {}, version);
    expect(grant.status).toBe(400);
    expect(await grant.json()).toEqual({ code: "invalid_credentials", message: "unsupported_grant_type" });

    const huge = await post(auth, "/signup", { email: uniqueEmail(), password: PASSWORD, data: { blob: "x".repeat(1 << 20) } }, version);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ code: "request_entity_too_large", message: "Request body too large (max 1048576 bytes)" });
  });

  it("validates sign-up input with GoTrue's messages", async () => {
    const cases: Array<[unknown, number, string, string]> = [
      [{ password: PASSWORD }, 422, "anonymous_provider_disabled", "Anonymous sign-ins are disabled"],
      [{ email: uniqueEmail() }, 400, "validation_failed", "Signup requires a valid password"],
      [{ email: "not-an-address", password: PASSWORD }, 400, "validation_failed", "Unable to validate email address: invalid format"],
      [{ phone: "+15555550100", password: PASSWORD }, 400, "phone_provider_disabled", "Phone signups are disabled"],
      [{ email: uniqueEmail(), password: PASSWORD, code_challenge: "abc", code_challenge_method: "s256" }, 400, "validation_failed",
        "The PKCE flow is not supported by the embedded Auth server"],
    ];
    for (const [body, status, code, message] of cases) {
      const response = await post(auth, "/signup", body, { "x-supabase-api-version": "2024-01-01" });
      expect({ status: response.status, body: await response.json() }, JSON.stringify(body)).toEqual({ status, body: { code, message } });
    }
  });

  it("publishes settings, an empty JWKS for HS256 tokens, and health", async () => {
    const settings = await (await fetch(`${auth.authUrl}/settings`)).json();
    expect(settings).toMatchObject({
      disable_signup: false,
      mailer_autoconfirm: false,
      phone_autoconfirm: false,
      external: { email: true, phone: false, google: false, anonymous_users: false },
    });
    expect(await (await fetch(`${auth.authUrl}/.well-known/jwks.json`)).json()).toEqual({ keys: [] });
    expect((await fetch(`${auth.authUrl}/health`)).status).toBe(200);
  });

  it("exposes the headers auth-js reads to browsers", async () => {
    const response = await fetch(`${auth.authUrl}/settings`, { headers: { origin: "http://127.0.0.1:3000" } });
    const exposed = response.headers.get("access-control-expose-headers")!.toLowerCase();
    for (const header of ["x-supabase-api-version", "x-total-count", "link"]) expect(exposed).toContain(header);
  });
});

describe("with low rate limits", () => {
  const auth = useAuthFixture((settings) => {
    settings.rate_limit.sign_in_sign_ups = 2;
    settings.rate_limit.token_refresh = 2;
    settings.rate_limit.token_verifications = 2;
  });

  const version = { "x-supabase-api-version": "2024-01-01" };

  it("answers 429 over_request_rate_limit once a client used its allowance, per endpoint and client", async () => {
    const login = (client: string) =>
      post(auth, "/token?grant_type=password", { email: "x@example.org", password: "y" }, { ...version, "x-forwarded-for": client });
    expect((await login("198.51.100.1")).status).toBe(400);
    expect((await login("198.51.100.1")).status).toBe(400);
    const limited = await login("198.51.100.1");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ code: "over_request_rate_limit", message: "Request rate limit reached" });
    // Another client, and another endpoint, have their own allowance.
    expect((await login("198.51.100.2")).status).toBe(400);
    const verify = () => post(auth, "/verify", { type: "signup", token_hash: "nope" }, { ...version, "x-forwarded-for": "198.51.100.1" });
    expect((await verify()).status).toBe(403);
    expect((await verify()).status).toBe(403);
    expect((await verify()).status).toBe(429);
  });

  it("reaches supabase-js as an AuthApiError with status 429", async () => {
    // Different tokens each time: auth-js answers a repeated failing token from its own cache.
    const refresh = (token: string) => auth.client().auth.refreshSession({ refresh_token: token });
    expect((await refresh("unknown-1")).error).toMatchObject({ status: 400 });
    expect((await refresh("unknown-2")).error).toMatchObject({ status: 400 });
    const { error } = await refresh("unknown-3");
    expect(error).toBeInstanceOf(AuthApiError);
    expect(error).toMatchObject({ status: 429, code: "over_request_rate_limit" });
  });
});

describe("with confirmations off (autoconfirm)", () => {
  const auth = useAuthFixture((settings) => {
    settings.email.enable_confirmations = false;
  });

  it("signs the new user in at once, mails nothing, and refuses a second sign-up", async () => {
    const email = uniqueEmail();
    const { data, error } = await auth.client().auth.signUp({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(data.session).not.toBeNull();
    expect(data.user!.email_confirmed_at).toBeTruthy();
    expect(await auth.mailCount(email)).toBe(0);

    const again = await auth.client().auth.signUp({ email, password: PASSWORD });
    expect(again.error).toBeInstanceOf(AuthApiError);
    expect(again.error).toMatchObject({ status: 422, code: "user_already_exists", message: "User already registered" });
  });
});

describe("with sign-ups disabled", () => {
  const auth = useAuthFixture((settings) => {
    settings.enable_signup = false;
  });

  it("refuses sign-ups but lets admins create users who can sign in", async () => {
    const email = uniqueEmail();
    const { error } = await auth.client().auth.signUp({ email, password: PASSWORD });
    expect(error).toMatchObject({ status: 422, code: "signup_disabled", message: "Signups not allowed for this instance" });
    await auth.admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
    expect((await auth.client().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull();
  });
});
