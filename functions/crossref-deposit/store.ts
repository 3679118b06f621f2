// The function's reads and writes, as the service role (DOI state is the server's to write: the
// datasets migration guards it from API callers). public.datasets carries what users see (doi,
// doi_status, doi_status_message, doi_batch_id); public.dataset_dois what the deposits need (the
// DOI minted once per dataset, the last timestamp and file name).
import postgres from "npm:postgres@3";
import { bareDoi, DOI_RESOLVER, isDoi, mintDoi } from "../_shared/crossref/index.ts";

export type Tx = postgres.TransactionSql;
export type DoiStatus = "pending" | "submitted" | "registered" | "failed";

/** A published dataset's fields as parseDatasetForDeposit reads them. */
export interface DepositRow {
  id: string;
  name: string;
  abstract: string | null;
  description: string | null;
  contributors: unknown;
  license: string | null;
  funding: unknown;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  /** What datasets.doi holds: a client's value, or the DOI the server registered. */
  doi: string | null;
}

export interface DepositedDataset {
  datasetId: string;
  doi: string;
  depositedAt: Date | null;
}

// Deposits of all datasets are serialised: each needs a timestamp larger than every earlier one.
const DEPOSIT_LOCK = 7_331_001;
// A collision of two random 8-character suffixes is unlikely; a few tries make it impossible in practice.
const MINT_TRIES = 5;

export async function asServiceRole<T>(sql: postgres.Sql, work: (tx: Tx) => Promise<T>): Promise<T> {
  return (await sql.begin(async (tx) => {
    await tx`select set_config('role', 'service_role', true), set_config('request.jwt.claim.role', 'service_role', true)`;
    return work(tx);
  })) as T;
}

export async function lockDeposits(tx: Tx): Promise<void> {
  await tx`select pg_advisory_xact_lock(${DEPOSIT_LOCK})`;
}

export async function publishedDatasets(tx: Tx, ids: readonly string[]): Promise<DepositRow[]> {
  return tx<DepositRow[]>`
    select id, name, abstract, description, contributors, license, funding, doi,
           created_at as "createdAt", updated_at as "updatedAt", published_at as "publishedAt"
    from public.datasets
    where id = any (${ids as string[]}::text[]) and is_published and deleted_at is null
    order by id
    for update`;
}

/**
 * The dataset's DOI, minted on its first deposit and kept for good. A DOI under our prefix that
 * the dataset already carries (registered earlier by the NDI admin tools) is adopted; anything
 * else there (a client's placeholder) is replaced.
 */
export async function claimDoi(tx: Tx, row: DepositRow, prefix: string): Promise<string> {
  const [existing] = await tx<{ doi: string }[]>`select doi from public.dataset_dois where dataset_id = ${row.id}`;
  if (existing) return existing.doi;
  const current = row.doi ? bareDoi(row.doi) : undefined;
  let candidate = current && isDoi(current) && current.startsWith(`${prefix}/`) ? current : mintDoi(prefix);
  for (let tries = 1; ; tries++) {
    const [claimed] = await tx<{ doi: string }[]>`
      insert into public.dataset_dois (dataset_id, doi) values (${row.id}, ${candidate})
      on conflict do nothing
      returning doi`;
    if (claimed) return claimed.doi;
    if (tries >= MINT_TRIES) throw new Error(`Could not mint a unique DOI for dataset ${row.id}`);
    candidate = mintDoi(prefix);
  }
}

/** The largest timestamp ever deposited (every deposit also updates the database's DOI record). */
export async function lastDepositTimestamp(tx: Tx): Promise<string | undefined> {
  const [row] = await tx<{ last: string | null }[]>`select max(deposit_timestamp)::text as last from public.dataset_dois`;
  return row?.last ?? undefined;
}

export interface DepositRecord {
  datasetIds: string[];
  timestamp: string;
  batchId: string;
  fileName: string;
  xml: string;
  warningsOf: (datasetId: string) => string[];
}

/** The identity of a new deposit, before anything is sent: from now on, polls of older files are ignored. */
export async function recordDeposit(tx: Tx, deposit: DepositRecord): Promise<void> {
  for (const datasetId of deposit.datasetIds) {
    await tx`
      update public.dataset_dois
      set deposit_timestamp = ${deposit.timestamp}::numeric, deposit_file_name = ${deposit.fileName},
          deposit_xml = ${deposit.xml}, deposit_warnings = ${tx.json(deposit.warningsOf(datasetId))},
          deposited_at = null, polls = 0
      where dataset_id = ${datasetId}`;
  }
  // The API's `doi` shows the registered DOI as a resolver URL (contract 9.1).
  await tx`
    update public.datasets d
    set doi = ${DOI_RESOLVER} || r.doi, doi_batch_id = ${deposit.batchId}
    from public.dataset_dois r
    where r.dataset_id = d.id and d.id = any (${deposit.datasetIds}::text[])`;
}

export async function setStatusOfDatasets(tx: Tx, datasetIds: readonly string[], status: DoiStatus, message: string): Promise<void> {
  await tx`
    update public.datasets set doi_status = ${status}, doi_status_message = ${message}
    where id = any (${datasetIds as string[]}::text[])`;
}

/** Only datasets whose latest deposit is still this file: a newer deposit supersedes older ones. */
export async function setStatusOfDeposit(tx: Tx, fileName: string, datasetId: string, status: DoiStatus, message: string): Promise<void> {
  await tx`
    update public.datasets d
    set doi_status = ${status}, doi_status_message = ${message}
    from public.dataset_dois r
    where r.dataset_id = d.id and d.id = ${datasetId} and r.deposit_file_name = ${fileName}`;
}

export async function markDeposited(tx: Tx, fileName: string): Promise<void> {
  await tx`update public.dataset_dois set deposited_at = now() where deposit_file_name = ${fileName}`;
}

export async function datasetsOfDeposit(tx: Tx, fileName: string): Promise<DepositedDataset[]> {
  return tx<DepositedDataset[]>`
    select dataset_id as "datasetId", doi, deposited_at as "depositedAt"
    from public.dataset_dois where deposit_file_name = ${fileName}
    order by dataset_id`;
}

/** Counts one more poll of the file's log; returns how many there have been. */
export async function countPoll(tx: Tx, fileName: string): Promise<number> {
  const [row] = await tx<{ polls: number }[]>`
    update public.dataset_dois set polls = polls + 1 where deposit_file_name = ${fileName} returning polls`;
  return row?.polls ?? 0;
}
