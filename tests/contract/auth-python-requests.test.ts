// The auth and user routes driven by Python `requests` exactly as NDI-python's cloud layer sends
// them (json= bodies, Accept: application/json, a body-less logout POST) — the HTTP client the real
// users have, not fetch. Skipped where python3 with requests is not installed.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../support/stack.ts";

const hasRequests = spawnSync("python3", ["-c", "import requests"]).status === 0;

// Each step prints one JSON line; the test reads them back.
const SCRIPT = String.raw`
import base64, json, sys, requests
base, email, password = sys.argv[1:4]
accept = {"Accept": "application/json"}
def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
login = requests.post(f"{base}/auth/login", json={"email": email, "password": password}, headers=accept, timeout=30)
body = login.json()
token = body["token"]
auth = {"Authorization": f"Bearer {token}", **accept}
me = requests.get(f"{base}/users/me", headers=auth, timeout=30)
by_id = requests.get(f"{base}/users/{me.json()['id']}", headers=auth, timeout=30)
logout = requests.post(f"{base}/auth/logout", headers=auth, timeout=30)
after = requests.get(f"{base}/users/me", headers=auth, timeout=30)
print(json.dumps({
    "login": login.status_code, "org": body["user"]["organizations"][0]["id"], "claims": claims(token),
    "me": me.status_code, "meEmail": me.json()["email"], "byId": by_id.status_code,
    "logout": logout.status_code, "after": after.status_code,
}))
`;

describe.skipIf(!hasRequests)("NDI-python's HTTP calls (requests)", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("logs in, probes /users/me as testLogin does, reads the user by id and logs out for good", async () => {
    const user = await stack.createUser();
    // Asynchronously: the gateway answering it runs in this process.
    const run = await promisify(execFile)("python3", ["-c", SCRIPT, stack.gatewayUrl, user.email, user.password], {
      env: { ...process.env, NO_PROXY: "127.0.0.1,localhost" },
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ login: 200, org: expect.stringMatching(/^[0-9a-f]{24}$/), me: 200, byId: 200, logout: 200, after: 401 });
    expect(result.claims).toMatchObject({ email: user.email, exp: expect.any(Number), iat: expect.any(Number), sub: user.id });
    // testLogin's check: the profile e-mail is the token's.
    expect(result.meEmail.toLowerCase()).toBe(result.claims.email.toLowerCase());
  });
});
