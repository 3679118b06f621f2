// Run SQL as Supabase's API roles, the way PostgREST and the gateway do: inside a transaction,
// `role` and `request.jwt.claims` set transaction-locally. Never as the superuser.
import type postgres from "postgres";

export type Claims = Record<string, unknown>;

export async function asRole<T>(
  sql: postgres.Sql,
  role: "anon" | "authenticated" | "service_role",
  claims: Claims,
  work: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  let result!: T;
  await sql
    .begin(async (tx) => {
      await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${JSON.stringify({ role, ...claims })}, true)`;
      result = await work(tx);
      // Leave nothing behind: every test's writes disappear with the rollback.
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  return result;
}

const ROLLBACK = Symbol("rollback");
