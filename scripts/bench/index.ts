// `npm run bench`: the documents API on a generated corpus (NDI_BENCH_DOCUMENTS, default
// 1,000,000 realistic NDI documents) in a fresh embedded stack (own ports and a temporary data
// directory). Measures
//   - loading: COPY, and the real bulk-upload path (R38: zip PUT, job, lenient parse, batched
//     inserts) on NDI_BENCH_UPLOAD_DOCUMENTS documents each, into fresh datasets of the big table;
//   - reads: each route through the gateway (HTTP, token, RLS) against the same answer from raw
//     postgres.js as the superuser, median of NDI_BENCH_RUNS runs;
//   - plans: EXPLAIN of the selective ndiquery statements as the caller: no Seq Scan on documents.
// Writes a Markdown report to NDI_BENCH_REPORT (default: the temp directory); the README's
// performance section is one.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { SignJWT } from "jose";
import postgres from "postgres";
import { startEmbeddedStack } from "../../embedded/stack.ts";
import { runAs } from "../../gateway/db/run-as.ts";
import { toStrictJson } from "../../gateway/documents/ndi-json.ts";
import { indexedConditions, parseSearchStructure } from "../../gateway/documents/ndiquery.ts";
import { writeSingleEntryZip } from "../../gateway/documents/zip-writer.ts";
import { searchStatement } from "../../gateway/routes/ndiquery/ndiquery.handlers.ts";
import { corpusDocument, nameOf, ndiIdOf, RARE_CLASS } from "./corpus.ts";

const DOCUMENTS = Number(process.env.NDI_BENCH_DOCUMENTS ?? 1_000_000);
const UPLOAD_DOCUMENTS = Number(process.env.NDI_BENCH_UPLOAD_DOCUMENTS ?? 100_000);
const RUNS = Number(process.env.NDI_BENCH_RUNS ?? 15);
const port = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);

const dataDir = mkdtempSync(path.join(os.tmpdir(), "ndi-bench-"));
chmodSync(dataDir, 0o755); // embedded Postgres may run as its own user (when started by root)
const stack = await startEmbeddedStack({
  dataDir,
  postgresPort: port("NDI_POSTGRES_PORT") ?? 0,
  apiPort: port("NDI_SUPABASE_PORT") ?? 0,
  gatewayPort: port("PORT") ?? 0,
});
const sql = postgres(stack.databaseUrl, { max: 4, onnotice: () => {} });
const report: string[] = [];
const log = (line: string) => {
  console.error(line);
  report.push(line);
};

try {
  const { userId, token, newDataset } = await arrange();
  const big = await newDataset("bench corpus");

  log(`## Performance (${DOCUMENTS.toLocaleString("en")} documents; ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPUs)\n`);
  log("| Loading | documents | seconds | documents/s |\n|---|---:|---:|---:|");
  const loadSeconds = await copyDocuments(big, 0, DOCUMENTS);
  log(`| COPY into the empty table | ${DOCUMENTS} | ${loadSeconds.toFixed(1)} | ${Math.round(DOCUMENTS / loadSeconds)} |`);
  await sql`analyze public.documents`;
  const copySeconds = await copyDocuments(await newDataset("copy"), DOCUMENTS, UPLOAD_DOCUMENTS);
  log(`| COPY into a new dataset of the full table | ${UPLOAD_DOCUMENTS} | ${copySeconds.toFixed(1)} | ${Math.round(UPLOAD_DOCUMENTS / copySeconds)} |`);
  const uploadSeconds = await bulkUpload(await newDataset("upload"), token, DOCUMENTS + UPLOAD_DOCUMENTS, UPLOAD_DOCUMENTS);
  log(`| bulk upload (R38: zip, job, lenient parse, inserts) | ${UPLOAD_DOCUMENTS} | ${uploadSeconds.toFixed(1)} | ${Math.round(UPLOAD_DOCUMENTS / uploadSeconds)} |`);
  log(`\nBulk upload runs at **${(copySeconds / uploadSeconds).toFixed(2)}×** COPY's rate (target ≥ 0.5×).\n`);

  await compareReads(big, token);
  await explainSelectiveQueries(userId);
} finally {
  await sql.end();
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
// The gateway logs to stdout; the report goes to its own file.
const reportPath = process.env.NDI_BENCH_REPORT ?? path.join(os.tmpdir(), "ndi-bench-report.md");
writeFileSync(reportPath, `${report.join("\n")}\n`);
console.error(`report written to ${reportPath}`);

async function arrange() {
  const userId = crypto.randomUUID();
  const email = "bench@example.org";
  await sql`insert into auth.users (id, email, raw_user_meta_data, email_confirmed_at) values (${userId}, ${email}, '{}', now())`;
  const org = (await sql<{ id: string }[]>`insert into public.organizations (name) values ('Bench lab') returning id`)[0]!.id;
  await sql`insert into public.organization_members (organization_id, user_id, role) values (${org}, ${userId}, 'member')`;
  const token = await new SignJWT({ role: "authenticated", aud: "authenticated", sub: userId, email })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime("6h")
    .sign(new TextEncoder().encode(stack.keys.jwtSecret));
  const newDataset = async (name: string) =>
    ((await sql<{ id: string }[]>`insert into public.datasets (organization_id, name) values (${org}, ${name}) returning id`)[0]!).id;
  return { userId, token, newDataset };
}

/** COPY as the gateway would store them (strict text with sentinels); returns seconds. */
async function copyDocuments(datasetId: string, from: number, count: number): Promise<number> {
  const started = performance.now();
  const stream = await sql`copy public.documents (dataset_id, data) from stdin`.writable();
  for (let i = from; i < from + count; i++) {
    const line = `${datasetId}\t${toStrictJson(corpusDocument(i)).replaceAll("\\", "\\\\")}\n`;
    if (!stream.write(line)) await new Promise((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await new Promise<void>((resolve, reject) => stream.once("finish", resolve).once("error", reject));
  return (performance.now() - started) / 1000;
}

/** R38 as MATLAB uses it, timed from asking for the URL to the job's completion. */
async function bulkUpload(datasetId: string, token: string, from: number, count: number): Promise<number> {
  const zip = path.join(dataDir, "upload.zip");
  await writeSingleEntryZip(zip, "documents.json", (function* () {
    yield "[";
    for (let i = from; i < from + count; i++) yield `${i === from ? "" : ",\n"}${corpusDocument(i)}`;
    yield "]";
  })());
  const body = readFileSync(zip);
  const started = performance.now();
  const response = await fetch(`${stack.gatewayUrl}/datasets/${datasetId}/documents/bulk-upload`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  const { url, jobId } = (await response.json()) as { url: string; jobId: string };
  const put = await fetch(url, { method: "PUT", headers: { "Content-Type": "application/octet-stream" }, body });
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
  for (;;) {
    const [job] = await sql<{ state: string; error: string | null }[]>`select state, error from public.jobs where id = ${jobId}`;
    if (job?.state === "complete") break;
    if (job?.state === "failed") throw new Error(`bulk upload failed: ${job.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return (performance.now() - started) / 1000;
}

async function median(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function compareReads(datasetId: string, token: string) {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const api = (method: string, route: string, body?: unknown) => async () => {
    const response = await fetch(`${stack.gatewayUrl}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  const middle = Math.floor(DOCUMENTS / 2);
  const oneId = (await sql<{ id: string }[]>`select id from public.documents where ndi_id = ${ndiIdOf(middle)}`)[0]!.id;
  const someIds = (await sql<{ id: string }[]>`select id from public.documents where dataset_id = ${datasetId} order by id limit 500 offset 1000`).map((r) => r.id);
  const ndiquery = (searchstructure: unknown) => api("POST", "/ndiquery?page=1&pageSize=20", { scope: datasetId, searchstructure });
  const deepOffset = Math.max(0, DOCUMENTS - 1000);

  const cases: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    ["document-count (R29)", api("GET", `/datasets/${datasetId}/document-count`), () => sql`select count(*) from public.documents where dataset_id = ${datasetId} and deleted_at is null`],
    ["class counts (R30)", api("GET", `/datasets/${datasetId}/document-class-counts`), () => sql`select class_name, count(*) from public.documents where dataset_id = ${datasetId} and deleted_at is null group by 1`],
    ["list, page 1 of 1000 (R31)", api("GET", `/datasets/${datasetId}/documents?page=1&pageSize=1000`), () => sql`select id, ndi_id, name, class_name from public.documents where dataset_id = ${datasetId} and deleted_at is null order by id limit 1000`],
    ["list, last page of 1000 (R31)", api("GET", `/datasets/${datasetId}/documents?page=${Math.floor(deepOffset / 1000) + 1}&pageSize=1000`), () => sql`select id, ndi_id, name, class_name from public.documents where dataset_id = ${datasetId} and deleted_at is null order by id limit 1000 offset ${deepOffset}`],
    ["get one (R33)", api("GET", `/datasets/${datasetId}/documents/${oneId}`), () => sql`select data::text from public.documents where id = ${oneId}`],
    ["bulk-fetch 500 (R40)", api("POST", `/datasets/${datasetId}/documents/bulk-fetch`, { documentIds: someIds }), () => sql`select id, data::text from public.documents where id = any (${someIds}::text[])`],
    [`ndiquery isa ${RARE_CLASS}`, ndiquery({ operation: "isa", param1: RARE_CLASS }), () => sql`select id from public.documents where dataset_id = ${datasetId} and class_lineage @> ${[RARE_CLASS]}::text[] order by id limit 20`],
    ["ndiquery exact_string base.name", ndiquery({ field: "base.name", operation: "exact_string", param1: nameOf(middle) }), () => sql`select id from public.documents where data @> ${JSON.stringify({ base: { name: nameOf(middle) } })}::jsonb order by id limit 20`],
    ["ndiquery depends_on", ndiquery({ operation: "depends_on", param1: "element_id", param2: ndiIdOf(middle) }), () => sql`select id from public.documents where depends_on @> ${JSON.stringify([{ name: "element_id", value: ndiIdOf(middle) }])}::jsonb order by id limit 20`],
    ["ndiquery isa + contains_string (scan of one class)", ndiquery([{ operation: "isa", param1: "subject" }, { field: "base.name", operation: "contains_string", param1: "9" }]), () => sql`select id from public.documents where dataset_id = ${datasetId} and class_lineage @> '{subject}' and strpos(name, '9') > 0 order by id limit 20`],
  ];
  log(`| Read (median of ${RUNS}) | gateway ms | raw postgres.js ms | ratio |\n|---|---:|---:|---:|`);
  for (const [label, gateway, raw] of cases) {
    const [g, r] = [await median(gateway), await median(raw)];
    log(`| ${label} | ${g.toFixed(1)} | ${r.toFixed(1)} | ${(g / r).toFixed(2)} |`);
  }
  log("\nThe gateway times include HTTP, token verification, the role switch and RLS; raw is the superuser's plain query.\n");
}

async function explainSelectiveQueries(userId: string) {
  const middle = Math.floor(DOCUMENTS / 2);
  const queries: [string, unknown][] = [
    [`isa ${RARE_CLASS}`, { operation: "isa", param1: RARE_CLASS }],
    ["exact_string base.name", { field: "base.name", operation: "exact_string", param1: nameOf(middle) }],
    ["depends_on", { operation: "depends_on", param1: "*", param2: ndiIdOf(middle) }],
  ];
  log("| Selective ndiquery plan | Seq Scan on documents? (statement as the caller / find_document_ids inside) |\n|---|---|");
  const planText = (rows: postgres.Row[]) => rows.map((row) => String(row["QUERY PLAN"])).join("\n");
  for (const [label, structure] of queries) {
    const nodes = parseSearchStructure(structure);
    const outer = await runAs(sql, { role: "authenticated", sub: userId, aud: "authenticated" }, async (tx) =>
      planText(await tx`explain ${searchStatement(tx, "all", nodes, 20, 0)}`),
    );
    // find_document_ids runs this text as a security definer; its plan is not part of the outer one.
    const { classes, dependsOn, contains } = indexedConditions(nodes);
    const [{ text }] = (await sql<{ text: string }[]>`
      select private.find_document_ids_sql('all', ${classes.length ? classes : null}::text[],
        ${dependsOn.length ? JSON.stringify(dependsOn) : null}::text::jsonb, ${contains ? JSON.stringify(contains) : null}::text::jsonb) as text`) as unknown as [{ text: string }];
    const inner = planText(await sql.unsafe(`explain ${text}`));
    const seqScan = (plan: string) => (/Seq Scan on documents/.test(plan) ? "**yes**" : "no");
    log(`| ${label} | ${seqScan(outer)} / ${seqScan(inner)} |`);
    if (/Seq Scan on documents/.test(outer + inner)) console.error(outer, "\n", inner);
  }
}
