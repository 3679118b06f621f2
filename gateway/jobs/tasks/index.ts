// Every background task the gateway runs. To add one: a file in this folder exporting a
// defineJobTask({ kind, maxAttempts, run }) (one per public.job_kind) or a scheduled task, and a
// line below. Jobs of kinds with no task here stay queued until a runner that has one starts.
import type { JobTask, ScheduledTask } from "../task.ts";
import { documentBulkDownloadTask } from "./document-bulk-download.ts";
import { documentBulkUploadTask } from "./document-bulk-upload.ts";
import { doiDepositTask } from "./doi-deposit.ts";
import { fileBulkUploadTask } from "./file-bulk-upload.ts";
import { purgeTask } from "./purge.ts";
import { purgeDueDeletionsTask } from "./purge-due-deletions.ts";

export const jobTasks: readonly JobTask[] = [purgeTask, fileBulkUploadTask, documentBulkDownloadTask, documentBulkUploadTask, doiDepositTask];

export interface ScheduleSettings {
  /** Crontab time fields of the purge sweep. */
  purgeSchedule: string;
}

export function scheduledTasks({ purgeSchedule }: ScheduleSettings): readonly ScheduledTask[] {
  return [purgeDueDeletionsTask(purgeSchedule)];
}
