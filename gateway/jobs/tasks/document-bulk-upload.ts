// `document_bulk_upload` jobs (contract R38): the zip a client PUT to its upload URL holds `.json`
// entries, each a JSON array of NDI documents or one document, in MATLAB's lenient JSON. Every
// document is ingested as if added by R32 (NaN/Infinity as sentinel strings, numbers exact).
//
// All or nothing: the documents are inserted in batches inside one transaction, and if any
// document is refused (not JSON, not an object, not storable) the transaction is rolled back and
// the job fails with each bad document's entry, index (0-based) and reason. A re-upload after
// fixing the zip therefore never duplicates the good documents of a failed one.
// The zip's directory is checked first (uploaded-zip.ts); entries stream from disk and documents are cut out one at a time, so memory holds one batch.
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { z } from "zod";
import { jsonArrayElements, JsonArrayStreamError } from "../../documents/json-array-stream.ts";
import { NdiJsonSyntaxError, toStrictJson } from "../../documents/ndi-json.ts";
import { removeObject } from "../../files/object-transfer.ts";
import { forEachZipFile, InvalidZipError } from "../../files/zip-archive.ts";
import { defineJobTask, PermanentJobError, type JobContext } from "../task.ts";
import { downloadCheckedZip, requireUploadedZip } from "../uploaded-zip.ts";

const paramsSchema = z.object({ objectKey: z.string().regex(/^[0-9a-f]{24}\/document-uploads\/[^/]+\.zip$/) });

const BATCH_SIZE = 1000;
/** Refused documents named in the job's error; the rest are counted. */
const MAX_REPORTED_PROBLEMS = 20;

export const documentBulkUploadTask = defineJobTask({
  kind: "document_bulk_upload",
  maxAttempts: 3,
  async run(context) {
    const { objectKey: zipKey } = paramsSchema.parse(context.job.params);
    const { datasetId, limits } = await requireUploadedZip(context, zipKey);

    const workDir = await mkdtemp(join(tmpdir(), "ndi-document-upload-"));
    try {
      const { zipPath } = await downloadCheckedZip(context, zipKey, workDir, limits);
      const stored = await context.runAsServiceRole((tx) => ingest(tx, context, datasetId, zipPath, join(workDir, "entry.json")));
      context.logger.info({ datasetId, documents: stored }, "ingested a document bulk upload");
      return { documentsAdded: stored };
    } catch (error) {
      if (error instanceof InvalidZipError || error instanceof JsonArrayStreamError) {
        throw new PermanentJobError(`The zip cannot be read; nothing was stored: ${error.message}`);
      }
      throw error;
    } finally {
      await rm(workDir, { recursive: true, force: true });
      await removeObject(context.supabase, zipKey).catch(() => {});
    }
  },
});

interface PendingDocument {
  where: string;
  text: string;
}

async function ingest(tx: postgres.TransactionSql, context: JobContext, datasetId: string, zipPath: string, entryPath: string) {
  await requireWritableDataset(tx, datasetId);
  const problems: string[] = [];
  let batch: PendingDocument[] = [];
  let stored = 0;
  const flush = async () => {
    stored += await insertBatch(tx, datasetId, batch, problems);
    batch = [];
    await context.progress(stored);
  };

  await forEachZipFile(zipPath, async (file) => {
    if (!file.name.toLowerCase().endsWith(".json")) {
      problems.push(`${file.name}: not a .json file`);
      return;
    }
    await file.extractTo(entryPath);
    let index = 0;
    for await (const element of jsonArrayElements(createReadStream(entryPath, { encoding: "utf8" }))) {
      context.signal.throwIfAborted();
      const where = `${file.name} document ${index++}`;
      const text = strictDocument(element, where, problems);
      if (text !== undefined) batch.push({ where, text });
      if (batch.length >= BATCH_SIZE) await flush();
    }
  });
  await flush();

  if (problems.length > 0) {
    const more = problems.length > MAX_REPORTED_PROBLEMS ? `; and ${problems.length - MAX_REPORTED_PROBLEMS} more` : "";
    // Thrown inside the transaction: every document inserted so far is rolled back.
    throw new PermanentJobError(`${problems.length} document(s) refused, nothing was stored: ${problems.slice(0, MAX_REPORTED_PROBLEMS).join("; ")}${more}`);
  }
  return stored;
}

async function requireWritableDataset(tx: postgres.TransactionSql, datasetId: string): Promise<void> {
  const [dataset] = await tx<{ isPublished: boolean }[]>`
    select is_published as "isPublished" from public.datasets where id = ${datasetId} and deleted_at is null`;
  if (!dataset) throw new PermanentJobError("The dataset no longer exists");
  if (dataset.isPublished) throw new PermanentJobError("The dataset was published before its documents were ingested; nothing was stored");
}

/** The document's strict JSON text, or undefined (with the reason recorded) when it is refused. */
function strictDocument(element: string, where: string, problems: string[]): string | undefined {
  try {
    const text = toStrictJson(element);
    if (text.trimStart().startsWith("{")) return text;
    problems.push(`${where}: not a JSON object`);
  } catch (error) {
    if (!(error instanceof NdiJsonSyntaxError)) throw error;
    problems.push(`${where}: not JSON (${error.message})`);
  }
  return undefined;
}

/** Inserts a batch in one statement; if Postgres refuses it, finds and records each refused document. */
async function insertBatch(tx: postgres.TransactionSql, datasetId: string, batch: PendingDocument[], problems: string[]): Promise<number> {
  if (batch.length === 0) return 0;
  const insert = (sql: postgres.TransactionSql, texts: string[]) =>
    sql`insert into public.documents (dataset_id, data) select ${datasetId}, value::jsonb from unnest(${texts}::text[]) as value`;
  try {
    await tx.savepoint((sp) => insert(sp, batch.map((document) => document.text)));
    return batch.length;
  } catch (error) {
    if (!(error instanceof postgres.PostgresError)) throw error;
  }
  let inserted = 0;
  for (const document of batch) {
    try {
      await tx.savepoint((sp) => insert(sp, [document.text]));
      inserted++;
    } catch (error) {
      if (!(error instanceof postgres.PostgresError)) throw error;
      problems.push(`${document.where}: cannot be stored (${error.message})`);
    }
  }
  return inserted;
}
