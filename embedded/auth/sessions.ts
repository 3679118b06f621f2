// Sessions and their refresh tokens (GoTrue's "v1" opaque tokens in auth.refresh_tokens):
// every refresh revokes the presented token and issues its child, so each session is a chain.
import { randomBytes, randomUUID } from "node:crypto";
import type postgres from "postgres";
import { recordAudit, userActor } from "./audit.ts";
import type { AuthServices, ClientInfo, SessionRow } from "./context.ts";
import { ERRORS } from "./errors.ts";
import { signAccessToken, type AmrEntry } from "./tokens.ts";
import { findUserById, isBanned, NIL_UUID, reloadUser, touchLastSignIn, userJson, type Json, type UserRow } from "./users.ts";

/** How the session was authenticated; becomes the `amr` claim. */
export type AuthenticationMethod = "password" | "otp";

export interface SessionResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: Json;
  weak_password?: { message: string; reasons: string[] };
}

type Tx = postgres.TransactionSql;

interface RefreshTokenRow {
  id: string;
  token: string;
  revoked: boolean;
  /** When it was issued or, once revoked, when it was used up. */
  updated_at: Date;
  user_id: string;
  session_id: string | null;
  /** Whether its session still exists. */
  live: boolean;
}

export async function findSession(sql: postgres.Sql, id: string): Promise<SessionRow | undefined> {
  const [session] = await sql<SessionRow[]>`select id, user_id, created_at from auth.sessions where id = ${id}`;
  return session;
}

/** Signs the user in: a new session with its first refresh token, and an access token for it. */
export async function startSession(
  tx: Tx,
  services: AuthServices,
  userId: string,
  method: AuthenticationMethod,
  client: ClientInfo,
): Promise<SessionResponse> {
  const sessionId = randomUUID();
  await tx`
    insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
    values (${sessionId}, ${userId}, now(), now(), 'aal1', ${client.userAgent ?? null}, ${client.ip ?? null})`;
  await tx`
    insert into auth.mfa_amr_claims (session_id, created_at, updated_at, authentication_method)
    values (${sessionId}, now(), now(), ${method})
    on conflict on constraint mfa_amr_claims_session_id_authentication_method_pkey do update set updated_at = now()`;
  const refreshToken = await insertRefreshToken(tx, userId, sessionId, null);
  await touchLastSignIn(tx, userId);
  return sessionResponse(tx, services, userId, sessionId, refreshToken);
}

/** The refresh_token grant, with GoTrue's rotation and reuse detection. */
export async function refreshSession(
  services: AuthServices,
  presented: string,
  client: ClientInfo,
): Promise<SessionResponse> {
  const outcome = await services.sql.begin(async (tx) => {
    // Row lock: concurrent refreshes with one token run one after the other.
    const [token] = await tx<RefreshTokenRow[]>`
      select rt.id, rt.token, rt.revoked, rt.updated_at, rt.user_id, rt.session_id, s.id is not null as live
      from auth.refresh_tokens rt left join auth.sessions s on s.id = rt.session_id
      where rt.token = ${presented}
      for update of rt`;
    const user = token && (await findUserById(tx, token.user_id));
    if (!token || !user) throw ERRORS.refreshTokenNotFound();
    if (isBanned(user)) throw ERRORS.userBanned(400, "Invalid Refresh Token: User Banned");
    if (!token.session_id || !token.live) throw ERRORS.refreshSessionNotFound();
    const sessionId = token.session_id;

    let issued: string;
    if (!token.revoked) {
      issued = await swapRefreshToken(tx, user, token, client);
    } else {
      const [active] = await tx<{ token: string; parent: string | null }[]>`
        select token, parent from auth.refresh_tokens
        where session_id = ${sessionId} and not revoked order by id desc limit 1`;
      const reuseUntil = token.updated_at.getTime() + services.settings.refresh_token_reuse_interval * 1000;
      if (active && active.parent === token.token) {
        // The client lost the answer to its last refresh: give it that answer's token again.
        issued = active.token;
      } else if (Date.now() <= reuseUntil) {
        issued = await swapRefreshToken(tx, user, token, client);
      } else {
        // A token used up long ago is back: it may be stolen, so the whole session ends.
        if (services.settings.enable_refresh_token_rotation) {
          await tx`delete from auth.sessions where id = ${sessionId}`;
        }
        return { reused: true } as const;
      }
    }

    await recordAudit(tx, userActor(user), "token_refreshed", { ip: client.ip });
    await tx`
      update auth.sessions set refreshed_at = now(), updated_at = now(),
        user_agent = ${client.userAgent ?? null}, ip = ${client.ip ?? null}
      where id = ${sessionId}`;
    return { response: await sessionResponse(tx, services, user.id, sessionId, issued) };
  });
  // Thrown after the commit, so that ending the session sticks.
  if ("reused" in outcome) throw ERRORS.refreshTokenAlreadyUsed();
  return outcome.response;
}

export type LogoutScope = "global" | "local" | "others";

export async function endSessions(sql: postgres.Sql | Tx, userId: string, sessionId: string | undefined, scope: LogoutScope) {
  if (sessionId !== undefined && scope === "local") {
    await sql`delete from auth.sessions where id = ${sessionId}`;
  } else if (sessionId !== undefined && scope === "others") {
    await sql`delete from auth.sessions where user_id = ${userId} and id <> ${sessionId}`;
  } else {
    await sql`delete from auth.sessions where user_id = ${userId}`;
  }
}

async function swapRefreshToken(
  tx: Tx,
  user: UserRow,
  token: RefreshTokenRow,
  client: ClientInfo,
) {
  await recordAudit(tx, userActor(user), "token_revoked", { ip: client.ip });
  await tx`update auth.refresh_tokens set revoked = true, updated_at = now() where id = ${token.id}`;
  return insertRefreshToken(tx, user.id, token.session_id!, token.token);
}

async function insertRefreshToken(tx: Tx, userId: string, sessionId: string, parent: string | null): Promise<string> {
  const token = randomBytes(24).toString("base64url");
  await tx`
    insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
    values (${NIL_UUID}, ${token}, ${userId}, false, now(), now(), ${parent}, ${sessionId})`;
  return token;
}

async function sessionResponse(
  tx: Tx,
  services: AuthServices,
  userId: string,
  sessionId: string,
  refreshToken: string,
): Promise<SessionResponse> {
  const user = await reloadUser(tx, userId);
  const claims = await tx<{ authentication_method: string; updated_at: Date }[]>`
    select authentication_method, updated_at from auth.mfa_amr_claims
    where session_id = ${sessionId} order by updated_at desc`;
  const amr: AmrEntry[] = claims.map((claim) => ({
    method: claim.authentication_method,
    timestamp: Math.floor(claim.updated_at.getTime() / 1000),
  }));
  const lifetime = services.settings.jwt_expiry;
  const { token, expiresAt } = await signAccessToken(services.signingKey, {
    user,
    sessionId,
    amr,
    issuer: services.externalUrl,
    lifetimeSeconds: lifetime,
  });
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: lifetime,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
  };
}
