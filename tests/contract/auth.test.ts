// Contract R1–R8 over HTTP, as NDI-python, NDI-matlab and the data browser call them: Supabase Auth
// does the work, the answers carry the Cognito-style codes the clients branch on, and tokens are
// Supabase access tokens whose logout takes effect at once.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack, type TestUser } from "../support/stack.ts";

let stack: TestStack;
let addressCount = 0;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

// Auth rate-limits per client address; each test speaks from its own, as separate users would.
const freshAddress = () => `198.51.100.${++addressCount}`;

function post(path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${stack.gatewayUrl}${path}`, {
    method: "POST",
    headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const get = (path: string, token?: string) =>
  fetch(`${stack.gatewayUrl}${path}`, { headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) } });

async function login(user: { email: string; password: string }, headers: Record<string, string> = {}) {
  const response = await post("/auth/login", { email: user.email, password: user.password }, { "X-Forwarded-For": freshAddress(), ...headers });
  expect(response.status).toBe(200);
  return (await response.json()) as { token: string; expiresIn: number; user: { id: string; organizations: { id: string }[] } };
}

async function signUp(email: string, password = "a-long-enough-password") {
  const response = await post("/users", { email, name: "Ada Lovelace", password }, { "X-Forwarded-For": freshAddress() });
  return { response, email, password };
}

async function codeMailedTo(email: string): Promise<string> {
  const mail = await stack.lastMailTo(email);
  expect(mail?.otp).toBeTruthy();
  return mail!.otp!;
}

const uniqueEmail = (label: string) => `${label}-${Date.now()}-${++addressCount}@example.org`;
const authUserCount = async (email: string) =>
  Number((await stack.sql`select count(*) from auth.users where email = ${email}`)[0]!.count);

describe("sign-up, verification and the first login", () => {
  it("signs up unverified, refuses login until the mailed code is confirmed, then logs in with a personal organization", async () => {
    const { response, email, password } = await signUp(uniqueEmail("ada"));
    expect(response.status).toBe(200);
    const created = await response.json();
    expect(created).toEqual({ id: expect.any(String), email, name: "Ada Lovelace", isValidated: false, organizations: [] });

    const early = await post("/auth/login", { email, password }, { "X-Forwarded-For": freshAddress() });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ code: "UserNotConfirmedException", errors: expect.any(String) });

    const wrongCode = await post("/auth/verify", { email, confirmationCode: "000000" }, { "X-Forwarded-For": freshAddress() });
    expect(wrongCode.status).toBe(400);
    expect(await wrongCode.json()).toMatchObject({ code: "ExpiredCodeException" });

    // MATLAB sends its (here: garbage) token along; the route ignores it.
    const verified = await post("/auth/verify", { email, confirmationCode: await codeMailedTo(email) }, {
      Authorization: "Bearer not.a.token",
      "X-Forwarded-For": freshAddress(),
    });
    expect(verified.status).toBe(200);
    expect(await verified.json()).toEqual({ id: created.id, email, isValidated: true });

    const session = await login({ email, password });
    expect(session.user).toEqual({
      id: created.id,
      email,
      name: "Ada Lovelace",
      isAdmin: false,
      canUploadDataset: false,
      organizations: [{ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: "Ada Lovelace's organization", canUploadDataset: true, role: "owner" }],
    });
  });

  it("hands out a Supabase access token with the claims the clients read, valid for the configured lifetime", async () => {
    const user = await stack.createUser();
    const { token, expiresIn } = await login(user);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ email: user.email, sub: user.id, role: "authenticated", session_id: expect.any(String) });
    expect(claims.exp! - claims.iat!).toBe(86400);
    expect(expiresIn).toBe(86400);
    expect(token.length).toBeGreaterThan(50);
  });

  it("answers a taken address with UsernameExistsException and a weak password with InvalidPasswordException", async () => {
    const user = await stack.createUser();
    const taken = await signUp(user.email);
    expect(taken.response.status).toBe(400);
    expect(await taken.response.json()).toMatchObject({ code: "UsernameExistsException" });

    const email = uniqueEmail("weak");
    const weak = await signUp(email, "abc");
    expect(weak.response.status).toBe(400);
    expect(await weak.response.json()).toMatchObject({ code: "InvalidPasswordException" });
    expect(await authUserCount(email)).toBe(0);
  });

  it.each([
    ["an empty body with a JSON content type", "", { "Content-Type": "application/json" }],
    ["an empty body without a content type", "", {}],
    ["a body without the password", JSON.stringify({ email: "x@example.org" }), {}],
    ["a malformed e-mail address", JSON.stringify({ email: "not-an-address", password: "a-long-enough-password" }), {}],
  ])("refuses sign-up with %s as InvalidParameterException and stores nothing", async (_label, body, headers) => {
    const before = Number((await stack.sql`select count(*) from auth.users`)[0]!.count);
    const response = await fetch(`${stack.gatewayUrl}/users`, { method: "POST", body, headers: { ...headers, "X-Forwarded-For": freshAddress() } });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "InvalidParameterException", errors: expect.any(String), message: expect.any(String) });
    expect(Number((await stack.sql`select count(*) from auth.users`)[0]!.count)).toBe(before);
  });

  it("resends the confirmation code, and answers the same for an unknown address", async () => {
    const { email } = await signUp(uniqueEmail("resend"));
    const first = await codeMailedTo(email);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // Auth sends one mail per address per second
    const resent = await post("/auth/confirmation/resend", { email }, { "X-Forwarded-For": freshAddress() });
    expect(resent.status).toBe(200);
    expect(await resent.json()).toEqual({ confirmationResent: true });
    expect(await codeMailedTo(email)).not.toBe(first);

    const unknown = await post("/auth/confirmation/resend", { email: uniqueEmail("nobody") }, { "X-Forwarded-For": freshAddress() });
    expect(unknown.status).toBe(200);
  });
});

describe("login failures", () => {
  it("cannot tell a wrong password from an unknown address", async () => {
    const user = await stack.createUser();
    const wrong = await post("/auth/login", { email: user.email, password: "wrong-password" }, { "X-Forwarded-For": freshAddress() });
    const unknown = await post("/auth/login", { email: uniqueEmail("nobody"), password: "wrong-password" }, { "X-Forwarded-For": freshAddress() });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const body = await wrong.json();
    expect(body).toEqual({ errors: expect.stringContaining("Unable to login"), message: body.errors, code: "NotAuthorizedException" });
    expect(await unknown.json()).toEqual(body);
  });

  it("ignores a stale token sent to login", async () => {
    const user = await stack.createUser();
    const { token } = await login(user);
    await post("/auth/logout", undefined, { Authorization: `Bearer ${token}` });
    await login(user, { Authorization: `Bearer ${token}` });
    await login(user, { Authorization: "Bearer garbage" });
  });

  it.each([
    ["an empty body", undefined],
    ["no password", { email: "a@example.org" }],
    ["a numeric password", { email: "a@example.org", password: 123456 }],
  ])("refuses %s as InvalidParameterException", async (_label, body) => {
    const response = await post("/auth/login", body, { "X-Forwarded-For": freshAddress() });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "InvalidParameterException" });
  });

  it("rate-limits attempts from one address with LimitExceededException", async () => {
    const address = freshAddress();
    const statuses: number[] = [];
    let last: unknown;
    for (let attempt = 0; attempt < 32; attempt += 1) {
      const response = await post("/auth/login", { email: "nobody@example.org", password: "guess" }, { "X-Forwarded-For": address });
      statuses.push(response.status);
      last = await response.json();
    }
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(last).toMatchObject({ code: "LimitExceededException" });
    // Another client is not affected.
    expect((await post("/auth/login", { email: "nobody@example.org", password: "guess" }, { "X-Forwarded-For": freshAddress() })).status).toBe(401);
  });
});

describe("logout", () => {
  it.each([
    ["no body (NDI-python)", undefined, {}],
    ["an empty body without a content type (NDI-matlab)", "", {}],
    ["{} (the data browser)", "{}", { "Content-Type": "application/json" }],
  ])("ends the session of the token with %s, which then gets 401", async (_label, body, headers) => {
    const user = await stack.createUser();
    const { token } = await login(user);
    expect((await get("/users/me", token)).status).toBe(200);
    const response = await fetch(`${stack.gatewayUrl}/auth/logout`, { method: "POST", body, headers: { ...headers, Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "Logged out" });
    const after = await get("/users/me", token);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ code: "session_ended" });
  });

  it("leaves the user's other sessions alone", async () => {
    const user = await stack.createUser();
    const first = await login(user);
    const second = await login(user);
    await post("/auth/logout", undefined, { Authorization: `Bearer ${first.token}` });
    expect((await get("/users/me", second.token)).status).toBe(200);
  });

  it("needs a token", async () => {
    const response = await post("/auth/logout");
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: expect.any(String) });
  });
});

describe("password change (R5)", () => {
  let user: TestUser;
  let token: string;

  beforeAll(async () => {
    user = await stack.createUser();
    ({ token } = await login(user));
  });

  const change = (body: unknown, bearer = token) =>
    post("/auth/password", body, { Authorization: `Bearer ${bearer}`, "X-Forwarded-For": freshAddress() });

  it("refuses a wrong current password with NotAuthorizedException", async () => {
    const response = await change({ oldPassword: "not-the-password", newPassword: "another-long-password" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "NotAuthorizedException" });
  });

  it("refuses a weak new password with InvalidPasswordException", async () => {
    const response = await change({ oldPassword: user.password, newPassword: "abc" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "InvalidPasswordException" });
  });

  it("refuses an empty body and a missing token", async () => {
    expect((await change(undefined)).status).toBe(400);
    const anonymous = await post("/auth/password", { oldPassword: user.password, newPassword: "another-long-password" });
    expect(anonymous.status).toBe(401);
  });

  it("changes the password, keeps the caller's token and ends the user's other sessions", async () => {
    const other = await login(user);
    const response = await change({ oldPassword: user.password, newPassword: "another-long-password" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "Password changed successfully" });
    expect((await get("/users/me", token)).status).toBe(200);
    expect((await get("/users/me", other.token)).status).toBe(401);
    expect((await post("/auth/login", { email: user.email, password: user.password }, { "X-Forwarded-For": freshAddress() })).status).toBe(401);
    await login({ email: user.email, password: "another-long-password" });
  });
});

describe("forgotten password (R6, R7)", () => {
  it("mails a code, confirms the new password with it, and ends every old session", async () => {
    const user = await stack.createUser({ email: uniqueEmail("forgetful") });
    const { token } = await login(user);
    // MATLAB sends its token along; the route ignores it.
    const forgot = await post("/auth/password/forgot", { email: user.email }, { Authorization: "Bearer stale", "X-Forwarded-For": freshAddress() });
    expect(forgot.status).toBe(200);
    expect(await forgot.json()).toEqual({
      CodeDeliveryDetails: { Destination: expect.stringMatching(/^f\*\*\*@e\*\*\*\.org$/), DeliveryMedium: "EMAIL", AttributeName: "email" },
    });

    const wrong = await post("/auth/password/confirm", { email: user.email, confirmationCode: "000000", newPassword: "a-new-long-password" }, { "X-Forwarded-For": freshAddress() });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: "ExpiredCodeException" });

    const confirmed = await post(
      "/auth/password/confirm",
      { email: user.email, confirmationCode: await codeMailedTo(user.email), newPassword: "a-new-long-password" },
      { "X-Forwarded-For": freshAddress() },
    );
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toEqual({ message: "Password reset", code: "Success!" });
    expect((await get("/users/me", token)).status).toBe(401);
    await login({ email: user.email, password: "a-new-long-password" });
  });

  it("answers the same for an unknown address, and refuses a body without one", async () => {
    const unknown = await post("/auth/password/forgot", { email: uniqueEmail("nobody") }, { "X-Forwarded-For": freshAddress() });
    expect(unknown.status).toBe(200);
    const empty = await post("/auth/password/forgot", undefined, { "X-Forwarded-For": freshAddress() });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: "InvalidParameterException" });
  });
});
