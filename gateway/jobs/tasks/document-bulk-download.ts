// `document_bulk_download` jobs (contract R39): one zip holding exactly one `documents.json`, a
// JSON array of the stored NDI documents (no added keys; NaN/Infinity as sentinel strings), one
// per NDI id (ML drops duplicates by base.id). The documents stream from a cursor through deflate
// into a temporary file, which is then streamed to Storage: memory holds one batch, whatever the
// dataset's size.
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { SupabaseClient } from "@supabase/supabase-js";
import type postgres from "postgres";
import { z } from "zod";
import { writeSingleEntryZip } from "../../documents/zip-writer.ts";
import { DATA_BUCKET } from "../../files/storage.ts";
import { defineJobTask, type JobContext } from "../task.ts";

const paramsSchema = z.object({
  documentIds: z.array(z.string()).nullable(),
  objectKey: z.string().min(1),
});

const CURSOR_BATCH = 500;
export const DOWNLOAD_ENTRY_NAME = "documents.json";

export const documentBulkDownloadTask = defineJobTask({
  kind: "document_bulk_download",
  maxAttempts: 3,
  async run(context) {
    const { documentIds, objectKey } = paramsSchema.parse(context.job.params);
    const datasetId = context.job.datasetId;
    if (!datasetId) throw new Error("the dataset no longer exists");
    const dir = await mkdtemp(path.join(os.tmpdir(), "ndi-document-download-"));
    try {
      const zipPath = path.join(dir, "documents.zip");
      const count = await context.runAsServiceRole(async (tx) => {
        const documents = documentArrayText(tx, datasetId, documentIds, context);
        await writeSingleEntryZip(zipPath, DOWNLOAD_ENTRY_NAME, documents.text);
        return documents.count();
      });
      await uploadFile(context.supabase, objectKey, zipPath);
      return { objectKey, documents: count };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
});

/** The JSON array text, batch by batch from a cursor, in NDI id order with one document per NDI id. */
function documentArrayText(tx: postgres.TransactionSql, datasetId: string, documentIds: string[] | null, context: JobContext) {
  let written = 0;
  async function* text() {
    yield "[";
    const rows = tx<{ data: string }[]>`
      select distinct on (coalesce(d.ndi_id, d.id)) d.data::text as data
      from public.documents d
      where d.dataset_id = ${datasetId} and d.deleted_at is null
        ${documentIds ? tx`and d.id = any (${documentIds}::text[])` : tx``}
      order by coalesce(d.ndi_id, d.id), d.id`;
    for await (const batch of rows.cursor(CURSOR_BATCH)) {
      context.signal.throwIfAborted();
      yield batch.map((row, i) => (written + i === 0 ? row.data : `,${row.data}`)).join("");
      written += batch.length;
      await context.progress(written);
    }
    yield "]";
  }
  return { text: text(), count: () => written };
}

/** Streams the file to Storage through a signed upload URL (supabase-js would buffer it). */
async function uploadFile(supabase: SupabaseClient, objectKey: string, file: string): Promise<void> {
  const { data, error } = await supabase.storage.from(DATA_BUCKET).createSignedUploadUrl(objectKey, { upsert: true });
  if (error) throw error;
  const { size } = await stat(file);
  const response = await fetch(data.signedUrl, {
    method: "PUT",
    headers: { "Content-Type": "application/zip", "Content-Length": String(size) },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: "half",
  } as RequestInit);
  if (!response.ok) throw new Error(`Storage refused the zip: HTTP ${response.status} ${await response.text()}`);
}
