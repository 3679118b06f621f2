// publish-dataset: submit, publish or unpublish a dataset (contract R24–R26, 9.1), invoked by the
// gateway with the caller's token. The flag changes as the caller, so RLS and the datasets
// migration's field guards decide who may (publishing: organization admins/owners and platform
// admins) and the audit trigger records who and when. Publishing is never refused for thin
// metadata: what a DOI still lacks goes into the dataset's DOI status, and the Crossref deposit is
// left to a queued doi_deposit job (it stays pending while no Crossref credentials are set).
import postgres from "npm:postgres@3";
import { z } from "npm:zod@4";
import { callerClaims } from "../_shared/caller.ts";
import { crossrefConfigFromEnv } from "../_shared/crossref/config.ts";

const requestSchema = z.object({
  datasetId: z.string().regex(/^[0-9a-f]{24}$/),
  action: z.enum(["submit", "publish", "unpublish"]),
});
type Action = z.infer<typeof requestSchema>["action"];
type Tx = postgres.TransactionSql;

const FLAG_CHANGES: Record<Action, Record<string, boolean>> = {
  submit: { is_submitted: true },
  publish: { is_published: true },
  unpublish: { is_published: false },
};

const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

class Refusal extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404, message: string, readonly code: string) {
    super(message);
  }
}

Deno.serve(async (request) => {
  try {
    const claims = callerClaims(request);
    if (!claims?.role || !API_ROLES.has(claims.role)) throw new Refusal(401, "A user token is required", "invalid_token");
    const parsed = requestSchema.safeParse(await request.json().catch(() => undefined));
    if (!parsed.success) throw new Refusal(400, "Expected {datasetId, action: submit|publish|unpublish}", "bad_request");
    const { datasetId, action } = parsed.data;

    const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, { max: 1, onnotice: () => {} });
    try {
      const result = await sql.begin((tx) => changeAsCaller(tx, claims, datasetId, action));
      return Response.json(result);
    } finally {
      await sql.end({ timeout: 5 });
    }
  } catch (error) {
    const refusal = error instanceof Refusal ? error : refusalFromDatabase(error);
    if (!refusal) throw error;
    return Response.json({ message: refusal.message, code: refusal.code }, { status: refusal.status });
  }
});

async function changeAsCaller(tx: Tx, claims: Record<string, unknown>, datasetId: string, action: Action) {
  await actAs(tx, String(claims.role), claims);
  const changed = await tx`
    update public.datasets set ${tx(FLAG_CHANGES[action])} where id = ${datasetId} returning id`;
  if (changed.length === 0) {
    const [visible] = await tx`select 1 from public.datasets where id = ${datasetId}`;
    throw visible
      ? new Refusal(403, `You are not allowed to ${action} this dataset`, "forbidden")
      : new Refusal(404, "Dataset not found", "not_found");
  }

  let missingForDoi: string[] = [];
  if (action === "publish") {
    missingForDoi = await missingForDoiOf(tx, datasetId);
    await queueDoiDeposit(tx, datasetId);
    // DOI state is the server's to write (datasets migration): recorded as the service role.
    await actAs(tx, "service_role", { role: "service_role" });
    await tx`
      update public.datasets
      set doi_status = 'pending', doi_status_message = ${doiStatusMessage(missingForDoi)}
      where id = ${datasetId} and (doi_status is null or doi_status in ('pending', 'failed'))`;
  }

  const [state] = await tx<{ isSubmitted: boolean; isPublished: boolean; doiStatus: string | null; doiStatusMessage: string | null }[]>`
    select is_submitted as "isSubmitted", is_published as "isPublished",
           doi_status as "doiStatus", doi_status_message as "doiStatusMessage"
    from public.datasets where id = ${datasetId}`;
  return { message: `Dataset ${action === "submit" ? "submitted" : `${action}ed`}`, datasetId, action, ...state!, missingForDoi };
}

/** Role and JWT claims for the rest of the transaction, as the gateway and PostgREST set them. */
async function actAs(tx: Tx, role: string, claims: Record<string, unknown>): Promise<void> {
  await tx`
    select set_config('role', ${role}, true),
           set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
           set_config('request.jwt.claim.sub', ${typeof claims.sub === "string" ? claims.sub : ""}, true),
           set_config('request.jwt.claim.role', ${role}, true)`;
}

/** What Crossref would need and the dataset lacks (contract 9.2's field mapping). */
async function missingForDoiOf(tx: Tx, datasetId: string): Promise<string[]> {
  const [row] = await tx<{ title: boolean; contributors: boolean; abstract: boolean; license: boolean; files: number }[]>`
    select btrim(coalesce(d.name, '')) = '' as title,
           coalesce(jsonb_typeof(d.contributors) <> 'array' or jsonb_array_length(d.contributors) = 0, true) as contributors,
           btrim(coalesce(d.abstract, d.description, '')) = '' as abstract,
           btrim(coalesce(d.license, '')) = '' as license,
           (select count(distinct ref.uid)::int
            from public.documents doc,
                 jsonb_path_query(doc.data, 'lax $.files.file_info[*].locations[*].uid') as ref(uid)
            where doc.dataset_id = d.id and doc.data ? 'files'
              and not exists (
                select 1 from public.files f
                where f.dataset_id = d.id and f.uid = ref.uid #>> '{}' and f.uploaded)) as files
    from public.datasets d where d.id = ${datasetId}`;
  const missing = (["title", "contributors", "abstract", "license"] as const).filter((field) => row![field]);
  return row!.files > 0 ? [...missing, `${row!.files} referenced file(s) not uploaded`] : missing;
}

/**
 * One doi_deposit job per dataset at a time, queued as the caller (RLS: organization admins).
 * Every publish deposits, so re-publishing a registered dataset re-deposits the same DOI with
 * a newer timestamp (the DOI is minted once, in public.dataset_dois).
 */
async function queueDoiDeposit(tx: Tx, datasetId: string): Promise<void> {
  await tx`
    insert into public.jobs (kind, dataset_id, params)
    select 'doi_deposit', d.id, ${tx.json({ datasetId })}
    from public.datasets d
    where d.id = ${datasetId}
      and not exists (
        select 1 from public.jobs j
        where j.dataset_id = d.id and j.kind = 'doi_deposit' and j.state in ('queued', 'running'))`;
}

function doiStatusMessage(missing: string[]): string {
  const deposit = crossrefConfigured()
    ? "Queued for the Crossref deposit."
    : "Crossref credentials are not configured; the DOI deposit is queued and waits for them.";
  return missing.length > 0 ? `${deposit} Missing for a DOI: ${missing.join(", ")}.` : deposit;
}

function crossrefConfigured(): boolean {
  try {
    crossrefConfigFromEnv((name) => Deno.env.get(name));
    return true;
  } catch {
    return false;
  }
}

/** RLS and the field guards refuse with 42501; a malformed id never reaches here (schema above). */
function refusalFromDatabase(error: unknown): Refusal | undefined {
  if (error instanceof postgres.PostgresError && error.code === "42501") {
    return new Refusal(403, error.message, "forbidden");
  }
  return undefined;
}
