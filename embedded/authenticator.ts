import type postgres from "postgres";

/**
 * The gateway logs in as `authenticator` (NOINHERIT, may only switch to the API roles), as
 * PostgREST does on Supabase. The role is cluster-wide.
 */
export async function setAuthenticatorPassword(sql: postgres.Sql, password: string): Promise<void> {
  const [row] = await sql<{ statement: string }[]>`
    select format('alter role authenticator with login password %L', ${password}::text) as statement`;
  await sql.unsafe(row!.statement);
}
