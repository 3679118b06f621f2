// `purge` jobs: removing a purged dataset's Storage objects. private.purge_dataset (deletion
// migration) deletes the rows at once and queues this job with the dataset's folder prefix and
// the objects elsewhere only it listed (`objectKeys`). Objects go through the Storage API in
// batches (on Supabase, deleting storage.objects rows would orphan the bytes). Any object a files
// row points at when the job runs is kept, so bytes shared with a branch are never removed under
// it; that check, made now rather than when the job was queued, supersedes the job's `keep` list.
import { z } from "zod";
import { defineJobTask, type JobContext } from "../task.ts";

const purgeParamsSchema = z.object({
  datasetId: z.string().regex(/^[0-9a-f]{24}$/),
  bucket: z.string().min(1).optional(),
  prefix: z.string().min(1),
  objectKeys: z.array(z.string()).default([]),
});

// The Storage API removes up to 1000 names per call; smaller batches report progress more often.
const REMOVE_BATCH_SIZE = 100;

export const purgeTask = defineJobTask({
  kind: "purge",
  maxAttempts: 10,
  async run(context) {
    const params = purgeParamsSchema.parse(context.job.params);
    const bucket = params.bucket ?? context.dataBucket;
    const removable = await objectsToRemove(context, { ...params, bucket });
    await context.progress(0, removable.length);
    for (let done = 0; done < removable.length; done += REMOVE_BATCH_SIZE) {
      context.signal.throwIfAborted();
      const batch = removable.slice(done, done + REMOVE_BATCH_SIZE);
      const { error } = await context.supabase.storage.from(bucket).remove(batch);
      if (error) throw new Error(`Storage refused to remove objects of dataset ${params.datasetId}: ${error.message}`);
      await context.progress(done + batch.length);
    }
    context.logger.info({ datasetId: params.datasetId, removed: removable.length }, "purged dataset objects");
    return { removedObjects: removable.length };
  },
});

/** The folder's objects and the extra keys, minus those any files row still points at. */
async function objectsToRemove(
  context: JobContext,
  params: z.output<typeof purgeParamsSchema> & { bucket: string },
): Promise<string[]> {
  return context.runAsServiceRole(async (tx) => {
    const [live] = await tx`select 1 from public.datasets where id = ${params.datasetId}`;
    if (live) throw new Error(`dataset ${params.datasetId} still exists; only purged datasets lose their objects`);
    const rows = await tx<{ name: string }[]>`
      select o.name
      from storage.objects o
      where o.bucket_id = ${params.bucket}
        and (starts_with(o.name, ${params.prefix}) or o.name = any (${params.objectKeys}::text[]))
        and not exists (select 1 from public.files f where f.object_key = o.name)
      order by o.name`;
    return rows.map((row) => row.name);
  });
}
