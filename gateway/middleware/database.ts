// `c.var.db(work)`: the request's SQL, run in one transaction as the caller (runAs sets the role
// and JWT claims transaction-locally), so RLS decides what every route may see and change.
import { createMiddleware } from "hono/factory";
import type postgres from "postgres";
import { runAs } from "../db/run-as.ts";
import type { CallerVariables } from "./caller.ts";

export type RunAsCaller = <T>(work: (tx: postgres.TransactionSql) => Promise<T>) => Promise<T>;

export interface DatabaseVariables {
  db: RunAsCaller;
}

export function databaseAsCaller(sql: postgres.Sql) {
  return createMiddleware<{ Variables: DatabaseVariables & CallerVariables }>(async function databaseAsCaller(c, next) {
    c.set("db", (work) => runAs(sql, c.var.claims, work, { method: c.req.method, path: c.req.path }));
    await next();
  });
}
