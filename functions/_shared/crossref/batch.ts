// Identity of one deposit: its `timestamp` (Crossref's version number for every record in the
// batch: a re-deposit of a DOI must carry a larger one) and its `doi_batch_id` / upload file
// name (how its result is found again, so unique per deposit).
import { doiSuffixOf } from "./doi.ts";

const BATCH_ID_MAX = 100;
const TIMESTAMP_MAX_DIGITS = 19;

/** `yyyyMMddHHmmssSSS` in UTC: 17 digits, the form Crossref's own tools use. */
export function depositTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\D/g, "").slice(0, 17);
}

/**
 * A timestamp larger than `previous` (the last one deposited for any DOI in the batch, from the
 * database, so this holds across restarts) and, unless the clock went backwards, `now`'s. Older
 * 14-digit timestamps (NDI-MATLAB) compare smaller, as Crossref compares them: as integers.
 */
export function nextDepositTimestamp(previous?: string | null, now: Date = new Date()): string {
  const candidate = depositTimestamp(now);
  if (!previous || BigInt(candidate) > BigInt(previous)) return candidate;
  const next = (BigInt(previous) + 1n).toString();
  if (next.length > TIMESTAMP_MAX_DIGITS) throw new RangeError(`Deposit timestamp ${next} exceeds ${TIMESTAMP_MAX_DIGITS} digits`);
  return next;
}

/**
 * `<suffix>-<timestamp>` for one DOI, `<first suffix>-and-<n>-more-<timestamp>` for several:
 * unique because every DOI's timestamp only grows, readable in Crossref's admin tool.
 */
export function depositBatchId(dois: readonly string[], timestamp: string): string {
  const first = dois[0];
  if (first === undefined) throw new RangeError("A deposit batch needs at least one DOI");
  const tail = dois.length === 1 ? `-${timestamp}` : `-and-${dois.length - 1}-more-${timestamp}`;
  const name = doiSuffixOf(first).replace(/[^A-Za-z0-9._-]/g, "_");
  return name.slice(0, BATCH_ID_MAX - tail.length) + tail;
}

/** The name of the uploaded file, which is also the key for polling its result. */
export function depositFileName(batchId: string): string {
  return `${batchId}.xml`;
}
