// A local stand-in for Crossref's deposit system, for `npm start` and the tests: the same two
// servlets (`/servlet/deposit`, `/servlet/submissionDownload`) with the same request and answer
// shapes, validating every upload against the same vendored XSD, and told how to answer
// (success, warning, failure, pending, timeout) with `setMode` or `PUT /_double/mode`.
// Point the service at it with CROSSREF_DEPOSIT_URL=<where it is mounted>/servlet/deposit; the
// real Crossref is the same variable away.
//
// Validation uses functions/_shared/crossref, which imports `npm:` specifiers: in Node that needs
// the resolve hook the embedded Functions host registers (tests get vitest's alias). The
// validator is therefore loaded on first use, not when this module is imported.
import { Hono } from "hono";
import { z } from "zod";
import { CROSSREF_ENV } from "../../functions/_shared/crossref/env-names.ts";
import { NDI_DOI_PREFIX } from "../../functions/_shared/crossref/doi.ts";
import type { CrossrefXsdValidator } from "../../functions/_shared/crossref/xsd-validator.ts";
import { servletPage, submissionLog } from "./submission-log.ts";
import { CROSSREF_DOUBLE_MODES, DoubleSubmissions, type CrossrefDoubleMode, type DoubleSubmission } from "./submissions.ts";

export { CROSSREF_DOUBLE_MODES, type CrossrefDoubleMode, type DoubleSubmission } from "./submissions.ts";

export interface CrossrefDoubleOptions {
  /** The credentials it accepts (`login_id`/`login_passwd` on deposit, `usr`/`pwd` on results). */
  username: string;
  password: string;
  /** Defaults to "success". */
  mode?: CrossrefDoubleMode;
  /** The prefix the account may register; others fail as on Crossref. Defaults to NDI's. */
  allowedPrefix?: string;
  /** Result requests answered `in_process` before a deposit's log is final. Defaults to 0. */
  pollsBeforeCompletion?: number;
  /** In "timeout" mode, the longest a request is held before a 504 (if the client waits that long). */
  hangMs?: number;
  /** The log message of every record in "failure" mode. */
  failureMessage?: string;
  /** Defaults to the process-wide shared validator. */
  validator?: CrossrefXsdValidator;
}

export interface CrossrefDouble {
  app: Hono;
  readonly mode: CrossrefDoubleMode;
  setMode(mode: CrossrefDoubleMode): void;
  /** Every upload so far, oldest first. */
  submissions(): readonly DoubleSubmission[];
  /** Forgets uploads and registered DOIs; the mode stays. */
  reset(): void;
}

const modeSchema = z.object({ mode: z.enum(CROSSREF_DOUBLE_MODES) });
const resultQuerySchema = z.object({
  usr: z.string().optional(),
  pwd: z.string().optional(),
  type: z.enum(["result", "contents"]),
  file_name: z.string().min(1).optional(),
  doi_batch_id: z.string().min(1).optional(),
});

const DEFAULT_HANG_MS = 5 * 60_000;
const XML = { "Content-Type": "application/xml; charset=UTF-8" };

export function createCrossrefDouble(options: CrossrefDoubleOptions): CrossrefDouble {
  let mode: CrossrefDoubleMode = options.mode ?? "success";
  const pollsBeforeCompletion = options.pollsBeforeCompletion ?? 0;
  const hangMs = options.hangMs ?? DEFAULT_HANG_MS;
  const submissions = new DoubleSubmissions(
    options.allowedPrefix ?? NDI_DOI_PREFIX,
    options.failureMessage ?? "Record not processed: failure requested from the Crossref test double",
  );
  let validator: Promise<CrossrefXsdValidator> | undefined;
  const validatorInstance = () =>
    (validator ??= options.validator
      ? Promise.resolve(options.validator)
      : import("../../functions/_shared/crossref/xsd-validator.ts").then((module) => module.sharedXsdValidator()));
  const authorised = (user: unknown, password: unknown) => user === options.username && password === options.password;

  const app = new Hono();

  // In "timeout" mode nothing below answers in time.
  app.use("/servlet/*", async (c, next) => {
    if (mode !== "timeout") return next();
    await hang(c.req.raw.signal, hangMs);
    return c.text("Gateway Timeout", 504);
  });

  app.post("/servlet/deposit", async (c) => {
    if (!c.req.header("content-type")?.startsWith("multipart/form-data")) {
      return c.html(servletPage("FAILURE", "The deposit must be sent as multipart/form-data"), 400);
    }
    const form = await c.req.formData();
    if (!authorised(form.get("login_id"), form.get("login_passwd"))) {
      return c.html(servletPage("FAILURE", "Login failed: wrong login_id or login_passwd"), 401);
    }
    const operation = form.get("operation") ?? "doMDUpload";
    if (operation !== "doMDUpload") {
      return c.html(servletPage("FAILURE", `The test double only supports operation=doMDUpload, not ${String(operation)}`), 400);
    }
    const file = form.get("fname");
    if (!(file instanceof File) || file.name === "") {
      return c.html(servletPage("FAILURE", "No file uploaded as the fname part"), 400);
    }
    const xml = await file.text();
    const validation = await (await validatorInstance()).validate(xml);
    // A switch to "timeout" while this upload was read leaves it queued for good.
    submissions.accept({ fileName: file.name, xml, validation, mode: mode === "timeout" ? "pending" : mode });
    return c.html(servletPage("SUCCESS", "Your batch submission was successfully received."));
  });

  app.get("/servlet/submissionDownload", (c) => {
    const query = resultQuerySchema.safeParse(c.req.query());
    if (!query.success) return c.text("type must be result or contents", 400);
    const { usr, pwd, type, file_name: fileName, doi_batch_id: batchId } = query.data;
    if (!authorised(usr, pwd)) return c.text("Unauthorized: wrong usr or pwd", 401);
    if ((fileName === undefined) === (batchId === undefined)) return c.text("Give either file_name or doi_batch_id", 400);
    const submission = submissions.find(fileName !== undefined ? { fileName } : { batchId: batchId! });
    if (type === "contents") return submission ? c.body(submission.xml, 200, XML) : c.text("Not found", 404);
    if (submission) submission.polls += 1;
    const processed = submission !== undefined && submission.polls > pollsBeforeCompletion;
    return c.body(submissionLog(submission, processed), 200, XML);
  });

  app.get("/_double", (c) => c.json(state()));
  app.put("/_double/mode", async (c) => {
    const body = modeSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) return c.json({ error: `mode must be one of ${CROSSREF_DOUBLE_MODES.join(", ")}` }, 400);
    mode = body.data.mode;
    return c.json(state());
  });
  app.post("/_double/reset", (c) => {
    submissions.clear();
    return c.json(state());
  });

  function state() {
    return {
      mode,
      submissions: submissions.all.map(({ submissionId, fileName, batchId, records, polls }) => ({
        submissionId,
        fileName,
        batchId,
        polls,
        records: records ?? null,
      })),
    };
  }

  return {
    app,
    get mode() {
      return mode;
    },
    setMode: (next) => {
      mode = modeSchema.parse({ mode: next }).mode;
    },
    submissions: () => submissions.all,
    reset: () => submissions.clear(),
  };
}

/**
 * The environment that sends the service's deposits to a double whose `app` is served at
 * `baseUrl` (e.g. `http://127.0.0.1:54321/crossref`); the real Crossref needs the same names.
 */
export function crossrefDoubleEnv(
  baseUrl: string,
  credentials: Pick<CrossrefDoubleOptions, "username" | "password">,
  depositorEmail = "doi-deposits@example.org",
): Record<string, string> {
  return {
    [CROSSREF_ENV.depositUrl]: `${baseUrl.replace(/\/+$/, "")}/servlet/deposit`,
    [CROSSREF_ENV.username]: credentials.username,
    [CROSSREF_ENV.password]: credentials.password,
    [CROSSREF_ENV.depositorEmail]: depositorEmail,
  };
}

/** Waits `ms`, or less if the client goes away first. */
function hang(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
