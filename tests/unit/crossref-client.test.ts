// The Crossref HTTP client against a scripted fetch: the exact requests Crossref's servlets
// expect, and how every kind of failed exchange is classified (retry or not) without leaking
// the credentials.
import { describe, expect, it } from "vitest";
import { createCrossrefClient } from "../../functions/_shared/crossref/client.ts";
import { CrossrefRequestError } from "../../functions/_shared/crossref/errors.ts";

const PASSWORD = "p&ss w0rd";
const endpoint = {
  depositUrl: "https://test.crossref.org/servlet/deposit",
  resultUrl: "https://test.crossref.org/servlet/submissionDownload",
  username: "ndic-role",
  password: PASSWORD,
};

function clientAnswering(answer: (request: Request) => Response | Promise<Response>, timeoutMs?: number) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return answer(request);
  };
  return { client: createCrossrefClient({ ...endpoint, fetch, timeoutMs }), requests };
}

async function failureOf(promise: Promise<unknown>): Promise<CrossrefRequestError> {
  const error = await promise.then(
    () => expect.unreachable("expected a CrossrefRequestError"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CrossrefRequestError);
  expect((error as Error).message).not.toContain(PASSWORD);
  expect((error as Error).message).not.toContain(encodeURIComponent(PASSWORD));
  return error as CrossrefRequestError;
}

describe("deposit", () => {
  it("posts the XML as the multipart file part Crossref's servlet expects", async () => {
    const { client, requests } = clientAnswering(
      () => new Response("<html><body><h2>SUCCESS</h2><p>Your batch submission was successfully received.</p></body></html>"),
    );
    const receipt = await client.deposit({ xml: "<doi_batch/>", fileName: "ndic.2026.ab12cd34-20260315143005123.xml" });
    expect(receipt).toEqual({
      fileName: "ndic.2026.ab12cd34-20260315143005123.xml",
      message: "SUCCESS Your batch submission was successfully received.",
    });
    const [request] = requests;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe(endpoint.depositUrl);
    expect(request!.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    const form = await request!.formData();
    expect(form.get("operation")).toBe("doMDUpload");
    expect(form.get("login_id")).toBe("ndic-role");
    expect(form.get("login_passwd")).toBe(PASSWORD);
    const file = form.get("fname") as File;
    expect(file).toBeInstanceOf(File);
    expect(file.name).toBe("ndic.2026.ab12cd34-20260315143005123.xml");
    expect(file.type).toBe("application/xml");
    expect(await file.text()).toBe("<doi_batch/>");
  });

  it.each([
    [401, "auth", false],
    [403, "auth", false],
    [429, "busy", true],
    [503, "busy", true],
    [500, "unavailable", true],
    [404, "rejected", false],
  ] as const)("classifies HTTP %i as %s (retryable: %s)", async (status, failure, retryable) => {
    const { client } = clientAnswering(() => new Response(`<html><body>Error for ndic-role/${PASSWORD}</body></html>`, { status }));
    const error = await failureOf(client.deposit({ xml: "<x/>", fileName: "f.xml" }));
    expect(error).toMatchObject({ failure, retryable, httpStatus: status });
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain("[redacted]");
  });

  it("treats a 200 FAILURE page as a refusal", async () => {
    const { client } = clientAnswering(() => new Response("<html><body><h2>FAILURE</h2><p>Login failed</p></body></html>"));
    const error = await failureOf(client.deposit({ xml: "<x/>", fileName: "f.xml" }));
    expect(error).toMatchObject({ failure: "rejected", retryable: false });
    expect(error.message).toMatch(/FAILURE Login failed/);
  });

  it("reports an unreachable Crossref as retryable", async () => {
    const { client } = clientAnswering(() => Promise.reject(new TypeError(`connect ECONNREFUSED (pwd=${PASSWORD})`)));
    expect(await failureOf(client.deposit({ xml: "<x/>", fileName: "f.xml" }))).toMatchObject({ failure: "unavailable", retryable: true });
  });

  it("gives up on a silent Crossref after its time limit", async () => {
    const { client } = clientAnswering(
      (request) =>
        new Promise((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason as Error))),
      50,
    );
    const error = await failureOf(client.deposit({ xml: "<x/>", fileName: "f.xml" }));
    expect(error).toMatchObject({ failure: "timeout", retryable: true });
    expect(error.message).toMatch(/did not answer within 50 ms/);
  });
});

describe("fetchResult", () => {
  it("asks submissionDownload for the log by file name", async () => {
    const { client, requests } = clientAnswering(
      () => new Response('<doi_batch_diagnostic status="queued"><submission_id>1</submission_id></doi_batch_diagnostic>'),
    );
    const outcome = await client.fetchResult("ndic.2026.ab12cd34-20260315143005123.xml");
    expect(outcome).toMatchObject({ state: "submitted", batchStatus: "queued", submissionId: "1" });
    const url = new URL(requests[0]!.url);
    expect(url.origin + url.pathname).toBe(endpoint.resultUrl);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      usr: "ndic-role",
      pwd: PASSWORD,
      file_name: "ndic.2026.ab12cd34-20260315143005123.xml",
      type: "result",
    });
  });

  it("fetches what was deposited with type=contents", async () => {
    const { client, requests } = clientAnswering(() => new Response("<doi_batch/>"));
    expect(await client.fetchDeposited("f.xml")).toBe("<doi_batch/>");
    expect(new URL(requests[0]!.url).searchParams.get("type")).toBe("contents");
  });

  it("reports an unreadable log as unexpected and retryable", async () => {
    const { client } = clientAnswering(() => new Response(`<html>Sign in, ndic-role ${PASSWORD}</html>`));
    const error = await failureOf(client.fetchResult("f.xml"));
    expect(error).toMatchObject({ failure: "unexpected", retryable: true });
    expect(error.message).toMatch(/submission log is not XML: .*; Crossref said: Sign in, ndic-role \[redacted\]$/);
  });

  it("reports bad credentials on the log as an auth failure", async () => {
    const { client } = clientAnswering(() => new Response("Unauthorized", { status: 401 }));
    expect(await failureOf(client.fetchResult("f.xml"))).toMatchObject({ failure: "auth", retryable: false });
  });
});
