// `document_bulk_download` jobs (contract R39): one zip holding exactly one `documents.json`, a
// JSON array of the stored NDI documents (no added keys; NaN/Infinity as sentinel strings), one
// per NDI id (ML drops duplicates by base.id). The documents stream from a cursor through deflate
// into a temporary file, which is then streamed to Storage: memory holds one batch, whatever the
// dataset's size.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type postgres from "postgres";
import { z } from "zod";
import { writeSingleEntryZip } from "../../documents/zip-writer.ts";
import { uploadFileToObject } from "../../files/object-transfer.ts";
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
      await uploadFileToObject(context.supabase, zipPath, objectKey, context.signal);
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
