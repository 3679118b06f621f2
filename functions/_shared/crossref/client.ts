// Talks to Crossref's deposit servlets exactly as documented: the deposit is a multipart POST
// (`operation=doMDUpload`, `login_id`, `login_passwd`, the XML as the file part `fname`), and its
// log is fetched by the uploaded file's name from `submissionDownload` (type=result). An HTTP 200
// on deposit only means "queued"; registration is known from the log. Error messages never carry
// the credentials (the log URL has them in its query string, so it is never shown).
import type { CrossrefEndpoint } from "./config.ts";
import { CrossrefRequestError, type CrossrefRequestFailure } from "./errors.ts";
import { parseSubmissionResult, type DepositOutcome } from "./submission-result.ts";

export interface CrossrefClientOptions extends CrossrefEndpoint {
  /** Per request; Crossref's servlets are usually quick, but not always. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface DepositRequest {
  xml: string;
  /** Unique per deposit (see `depositFileName`): the key for fetching its log. */
  fileName: string;
}

export interface DepositReceipt {
  fileName: string;
  /** Crossref's answer, as text. */
  message: string;
}

export interface CrossrefClient {
  /** Uploads one deposit; resolves once Crossref has queued it. */
  deposit(request: DepositRequest): Promise<DepositReceipt>;
  /** The submission log of an upload, read into an outcome (`submitted` while still processing). */
  fetchResult(fileName: string): Promise<DepositOutcome>;
  /** The XML Crossref holds for an upload (type=contents), e.g. for an admin's check. */
  fetchDeposited(fileName: string): Promise<string>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MESSAGE_MAX = 500;

export function createCrossrefClient(options: CrossrefClientOptions): CrossrefClient {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secrets = [options.password, encodeURIComponent(options.password)];

  async function send(url: string, init: RequestInit, what: string): Promise<string> {
    let response: Response;
    try {
      response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      if (error instanceof DOMException && error.name === "TimeoutError") {
        throw new CrossrefRequestError("timeout", `${what}: Crossref did not answer within ${timeoutMs} ms`);
      }
      throw new CrossrefRequestError("unavailable", `${what}: cannot reach Crossref (${redact(describe(error), secrets)})`);
    }
    const body = await response.text().catch(() => "");
    if (!response.ok) {
      const failure = failureOfStatus(response.status);
      throw new CrossrefRequestError(failure, `${what}: HTTP ${response.status} ${readable(body, secrets)}`.trim(), response.status);
    }
    return body;
  }

  function resultUrl(fileName: string, type: "result" | "contents"): string {
    const url = new URL(options.resultUrl);
    url.search = new URLSearchParams({ usr: options.username, pwd: options.password, file_name: fileName, type }).toString();
    return url.toString();
  }

  return {
    async deposit({ xml, fileName }) {
      const form = new FormData();
      form.set("operation", "doMDUpload");
      form.set("login_id", options.username);
      form.set("login_passwd", options.password);
      form.set("fname", new Blob([xml], { type: "application/xml" }), fileName);
      const body = await send(options.depositUrl, { method: "POST", body: form }, `Deposit of ${fileName}`);
      const message = readable(body, secrets);
      // Crossref has been seen to answer 200 with a FAILURE page (e.g. for bad credentials).
      if (/\bFAILURE\b/.test(body)) {
        throw new CrossrefRequestError("rejected", `Deposit of ${fileName}: Crossref refused it: ${message}`, 200);
      }
      return { fileName, message };
    },

    async fetchResult(fileName) {
      const body = await send(resultUrl(fileName, "result"), { method: "GET" }, `Result of ${fileName}`);
      try {
        return parseSubmissionResult(body);
      } catch (error) {
        throw new CrossrefRequestError("unexpected", `Result of ${fileName}: ${describe(error)}; Crossref said: ${readable(body, secrets)}`);
      }
    },

    async fetchDeposited(fileName) {
      return send(resultUrl(fileName, "contents"), { method: "GET" }, `Contents of ${fileName}`);
    },
  };
}

function failureOfStatus(status: number): CrossrefRequestFailure {
  if (status === 401 || status === 403) return "auth";
  // 429 when a user has 10,000 pending submissions (503 on older documentation).
  if (status === 429 || status === 503) return "busy";
  if (status >= 500) return "unavailable";
  return "rejected";
}

/** An HTML or XML answer as one short line of text, without the secrets. */
function readable(body: string, secrets: readonly string[]): string {
  const text = body
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const short = text.length > MESSAGE_MAX ? `${text.slice(0, MESSAGE_MAX)}…` : text;
  return redact(short, secrets);
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length > 0).reduce((result, secret) => result.split(secret).join("[redacted]"), text);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
