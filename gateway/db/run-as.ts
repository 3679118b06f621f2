// Every request's SQL runs in one transaction as the caller, the way PostgREST and Supabase
// Storage do it: role and claims are set transaction-locally (set_config(..., true)), so they
// vanish at COMMIT/ROLLBACK and pooled connections never leak an identity. RLS then decides.
import type postgres from "postgres";
import type { RequestClaims } from "./claims.ts";

export interface RequestContext {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
}

export async function runAs<T>(
  sql: postgres.Sql,
  claims: RequestClaims,
  work: (tx: postgres.TransactionSql) => Promise<T>,
  request: RequestContext = {},
): Promise<T> {
  return (await sql.begin(async (tx) => {
    await tx`
      select set_config('role', ${claims.role}, true),
             set_config('request.jwt.claims', ${JSON.stringify(claims)}, true),
             set_config('request.jwt.claim.sub', ${typeof claims.sub === "string" ? claims.sub : ""}, true),
             set_config('request.jwt.claim.role', ${claims.role}, true),
             set_config('request.method', ${request.method ?? ""}, true),
             set_config('request.path', ${request.path ?? ""}, true),
             set_config('request.headers', ${JSON.stringify(request.headers ?? {})}, true)`;
    return work(tx);
  })) as T;
}

/** The one way to bypass RLS on purpose: grep for `runAsServiceRole` to find every use. */
export function runAsServiceRole<T>(sql: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return runAs(sql, { role: "service_role" }, work);
}
