// crossref-deposit: registers dataset DOIs with Crossref (contract 9), invoked by the gateway's
// doi_deposit job with the service-role key. Two actions:
//   {action: "deposit", datasetIds: [...]}  one doi_batch for one or many published datasets:
//                                           DOIs minted once per dataset, XSD-validated, uploaded
//   {action: "poll", fileName}              reads that deposit's submission log and records it
// The job owns the schedule (back-off, polling, restarts: the Postgres job queue); this function
// owns Crossref: its credentials (CROSSREF_* secrets, never in the database) and every state it
// writes on the datasets. The answer (result.ts) tells the job what to do next.
import postgres from "npm:postgres@3";
import { z } from "npm:zod@4";
import { callerClaims } from "../_shared/caller.ts";
import { CrossrefConfigError } from "../_shared/crossref/index.ts";
import { depositDatasets } from "./deposit.ts";
import { pollDeposit } from "./poll.ts";
import { resultFor, type DepositResult } from "./result.ts";
import { depositSettingsFromEnv } from "./settings.ts";
import { asServiceRole, setStatusOfDatasets } from "./store.ts";

const objectId = z.string().regex(/^[0-9a-f]{24}$/);
const requestSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("deposit"), datasetIds: z.array(objectId).min(1).max(100), finalAttempt: z.boolean().default(false) }),
  z.object({ action: z.literal("poll"), fileName: z.string().min(5).max(110), finalAttempt: z.boolean().default(false) }),
]);
type DepositFunctionRequest = z.infer<typeof requestSchema>;

Deno.serve(async (request) => {
  if (callerClaims(request)?.role !== "service_role") {
    return Response.json({ message: "Only the service role may deposit DOIs", code: "forbidden" }, { status: 403 });
  }
  const parsed = requestSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    return Response.json(
      { message: 'Expected {action: "deposit", datasetIds: [...]} or {action: "poll", fileName}', code: "bad_request" },
      { status: 400 },
    );
  }
  const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, { max: 1, onnotice: () => {} });
  try {
    return Response.json(await run(sql, parsed.data));
  } finally {
    await sql.end({ timeout: 5 });
  }
});

async function run(sql: postgres.Sql, request: DepositFunctionRequest): Promise<DepositResult> {
  let settings;
  try {
    settings = depositSettingsFromEnv((name) => Deno.env.get(name));
  } catch (error) {
    if (!(error instanceof CrossrefConfigError)) throw error;
    return waitForConfiguration(sql, request, error);
  }
  return request.action === "deposit" ? depositDatasets(sql, settings, request) : pollDeposit(sql, settings, request);
}

/** Without Crossref settings nothing is sent; the datasets say so and what to do once they are set. */
async function waitForConfiguration(sql: postgres.Sql, request: DepositFunctionRequest, error: CrossrefConfigError): Promise<DepositResult> {
  const message = `${error.message}. The DOI stays pending; once Crossref is configured, run: npm run admin -- doi-retry <datasetId>`;
  if (request.action === "poll") return resultFor("waiting", message, [], "pending");
  await asServiceRole(sql, (tx) => setStatusOfDatasets(tx, request.datasetIds, "pending", message));
  return resultFor("waiting", message, request.datasetIds.map((datasetId) => ({ datasetId })), "pending");
}
