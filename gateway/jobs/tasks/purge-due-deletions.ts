// The purge sweep: on a schedule, soft-deleted datasets and documents whose grace period is over
// are purged (public.purge_due_deletions, deletion migration). Each purged dataset queues a
// `purge` job that removes its Storage objects (purge.ts).
import type { ScheduledTask } from "../task.ts";

export const PURGE_DUE_DELETIONS_TASK = "purge_due_deletions";

export function purgeDueDeletionsTask(schedule: string): ScheduledTask {
  return {
    name: PURGE_DUE_DELETIONS_TASK,
    schedule,
    async run(context) {
      const [purged] = await context.runAsServiceRole(
        (tx) => tx<{ datasetsPurged: number; documentsPurged: number }[]>`
          select datasets_purged as "datasetsPurged", documents_purged as "documentsPurged"
          from public.purge_due_deletions()`,
      );
      if (purged && (purged.datasetsPurged > 0 || purged.documentsPurged > 0)) {
        context.logger.info(purged, "purged deletions past their grace period");
      }
    },
  };
}
