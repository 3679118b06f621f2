// Routes the contract marks "Bearer required" (contract 2): an anonymous caller (no token, or the
// anon key) is told to log in (401), which the clients map to "authenticate again". Who may do
// what beyond that is RLS's matter. Auth's own routes need more (the user's id and session), see
// routes/auth/signed-in.ts.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app/types.ts";
import { httpErrors } from "../errors/api-error.ts";

/** Throws the 401 for an anonymous caller; for handlers that check their input first. */
export function rejectAnonymousCaller(c: Context<AppEnv>): void {
  if (c.var.claims.role === "anon") throw httpErrors.unauthorized("Authentication required", "not_authenticated");
}

/** The same refusal as route middleware, before the input is even read. */
export const requireUser = () =>
  createMiddleware<AppEnv>(async function requireUser(c, next) {
    rejectAnonymousCaller(c);
    await next();
  });
