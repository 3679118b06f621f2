// doi-status and doi-retry: the Crossref DOI state of datasets (public.dataset_doi_status) and a
// fresh deposit for one dataset. A retry re-deposits the dataset's DOI (never a new one) with a
// newer timestamp, so it also updates a registered DOI's metadata after an edit.
import { runAsServiceRole } from "../../gateway/db/run-as.ts";
import { UsageError, type AdminCommand } from "./command.ts";

const OBJECT_ID = /^[0-9a-f]{24}$/;
const NAME_SHOWN = 60;

interface DoiStatusRow {
  datasetId: string;
  name: string;
  isPublished: boolean;
  doi: string | null;
  doiStatus: string;
  doiStatusMessage: string | null;
  doiStatusUpdatedAt: Date | null;
  depositFileName: string | null;
  activeJobId: string | null;
}

export const doiStatus: AdminCommand = {
  usage: "doi-status [datasetId]",
  summary: "show the Crossref DOI state and message of every dataset with a DOI registration, or of one",
  options: {},
  async run(context, { positionals }) {
    const datasetId = positionals[0] === undefined ? undefined : datasetIdOf(positionals);
    const rows = await runAsServiceRole(context.sql, (tx) => tx<DoiStatusRow[]>`
      select dataset_id as "datasetId", name, is_published as "isPublished", doi, doi_status as "doiStatus",
             doi_status_message as "doiStatusMessage", doi_status_updated_at as "doiStatusUpdatedAt",
             deposit_file_name as "depositFileName", active_job_id as "activeJobId"
      from public.dataset_doi_status
      where ${datasetId ?? null}::text is null or dataset_id = ${datasetId ?? null}
      order by doi_status_updated_at desc nulls last, dataset_id`);
    for (const row of rows) {
      console.log(`${row.datasetId}  ${row.doiStatus.padEnd(10)}  ${row.doi ?? "(no DOI yet)"}  ${shortened(row.name)}`);
      console.log(`    ${row.doiStatusUpdatedAt?.toISOString() ?? ""}  ${row.doiStatusMessage ?? ""}`);
      if (row.depositFileName) console.log(`    last deposit: ${row.depositFileName}`);
      if (row.activeJobId) console.log(`    job ${row.activeJobId} is queued or running`);
      if (!row.isPublished) console.log("    (no longer published)");
    }
    if (rows.length === 0) console.log(datasetId ? `dataset ${datasetId} has no DOI registration` : "no DOI registrations");
  },
};

export const doiRetry: AdminCommand = {
  usage: "doi-retry <datasetId>",
  summary: "deposit a published dataset's DOI with Crossref again (same DOI, newer timestamp); prints the job id",
  options: {},
  async run(context, { positionals }) {
    const datasetId = datasetIdOf(positionals);
    const jobId = await runAsServiceRole(context.sql, async (tx) => {
      const [dataset] = await tx<{ published: boolean }[]>`
        select is_published and deleted_at is null as published from public.datasets where id = ${datasetId} for update`;
      if (!dataset) throw new UsageError(`no dataset ${datasetId}`);
      if (!dataset.published) throw new UsageError(`dataset ${datasetId} is not published; publishing it queues its deposit`);
      const running = await tx`
        select 1 from public.jobs where dataset_id = ${datasetId} and kind = 'doi_deposit' and state = 'running'`;
      if (running.length > 0) throw new UsageError(`a deposit step of dataset ${datasetId} is running; try again in a moment`);
      // Waiting polls or retries of an older deposit are superseded by the new one.
      await tx`
        update public.jobs set state = 'cancelled', error = 'Superseded by doi-retry'
        where dataset_id = ${datasetId} and kind = 'doi_deposit' and state = 'queued'`;
      await tx`
        update public.datasets set doi_status = 'pending', doi_status_message = 'Deposit queued again by an admin (doi-retry)'
        where id = ${datasetId}`;
      const [job] = await tx<{ id: string }[]>`
        insert into public.jobs (kind, dataset_id, params) values ('doi_deposit', ${datasetId}, ${tx.json({ datasetId })})
        returning id`;
      return job!.id;
    });
    console.log(jobId);
  },
};

function shortened(name: string): string {
  return name.length > NAME_SHOWN ? `${name.slice(0, NAME_SHOWN - 1)}…` : name;
}

function datasetIdOf(positionals: string[]): string {
  const [datasetId, ...extra] = positionals;
  if (!datasetId || extra.length > 0) throw new UsageError("give one dataset id");
  if (!OBJECT_ID.test(datasetId)) throw new UsageError(`"${datasetId}" is not a dataset id (24 hex digits)`);
  return datasetId;
}
