// Whether a user token's Auth session still exists. The gateway verifies tokens by signature, so
// without this a token would keep working after logout until its `exp` (hours, see jwt_expiry).
import type postgres from "postgres";

export type SessionIsActive = (sessionId: string, userId: string) => Promise<boolean>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One query as the gateway's login role (private.session_is_active is granted to it). */
export function sessionChecker(sql: postgres.Sql): SessionIsActive {
  return async (sessionId, userId) => {
    if (!UUID.test(sessionId) || !UUID.test(userId)) return false;
    const [row] = await sql<{ active: boolean }[]>`select private.session_is_active(${sessionId}, ${userId}) as active`;
    return row?.active === true;
  };
}
