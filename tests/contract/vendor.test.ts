// The cloud-vendor routes (contract R11–R14, R47–R55): no MATLAB licence is ever registered, so
// reading and clearing one answer as the clients expect; everything else is a 501 envelope saying
// the feature is not offered here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectDeclaredResponse, startTestGateway, type TestGateway } from "../support/gateway.ts";

let gateway: TestGateway;
let token: string;

beforeAll(async () => {
  gateway = await startTestGateway();
  token = await gateway.mintUserToken();
});
afterAll(async () => {
  await gateway?.close();
});

function call(method: string, path: string, { auth = true, body }: { auth?: boolean; body?: string } = {}) {
  return fetch(`${gateway.url}${path}`, { method, body, headers: auth ? { Authorization: `Bearer ${token}` } : {} });
}

describe("MATLAB licence", () => {
  it("reports no registration", async () => {
    const response = await call("GET", "/users/me/matlab-license");
    expect(response.status).toBe(200);
    const body = await expectDeclaredResponse(gateway.app, "GET", "/v1/users/me/matlab-license", response);
    expect(body).toMatchObject({ mode: null, macAddress: null, files: [], instructions: expect.any(String) });
  });

  it.each(["", "?release=R2024b"])("clears nothing with 204 (%s)", async (query) => {
    const response = await call("DELETE", `/users/me/matlab-license${query}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
  });

  it("needs a token", async () => {
    expect((await call("GET", "/users/me/matlab-license", { auth: false })).status).toBe(401);
    expect((await call("DELETE", "/users/me/matlab-license", { auth: false })).status).toBe(401);
  });

  it.each([
    ["POST", ""],
    ["PUT", JSON.stringify({ licenseFile: "SERVER host 0123456789ab 27000", mode: "network" })],
    ["PUT", JSON.stringify({ dedicatedLicenseFile: "INCREMENT MATLAB", release: "R2024b" })],
  ])("answers %s %s with 501", async (method, body) => {
    const response = await call(method, "/users/me/matlab-license", { body });
    expect(response.status).toBe(501);
    expect(await response.json()).toEqual({ message: "MATLAB licences are not offered by this deployment", code: "not_implemented" });
  });
});

describe("compute and dataset search", () => {
  it.each([
    ["POST", "/compute/start", JSON.stringify({ pipelineId: "hello-world-v1" })],
    ["GET", "/compute", undefined],
    ["GET", "/compute/s-1", undefined],
    ["POST", "/compute/s-1/stage/verify", ""],
    ["POST", "/compute/s-1/advance", ""],
    ["DELETE", "/compute/s-1", undefined],
    ["POST", "/compute/s-1/abort", undefined],
    ["POST", "/compute/s-1/finalize", undefined],
    ["POST", "/datasets/search", "{}"],
  ])("answers %s %s with a 501 envelope", async (method, path, body) => {
    const response = await call(method, path, { body });
    expect(response.status).toBe(501);
    const envelope = await expectDeclaredResponse(gateway.app, method, `/v1${path}`, response);
    expect(envelope).toMatchObject({ message: expect.stringContaining("not offered by this deployment"), code: "not_implemented" });
  });
});
