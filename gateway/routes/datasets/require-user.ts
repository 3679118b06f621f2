// Routes the contract marks "Bearer required" (contract 2): an anonymous caller is told to log in
// (401), which is what the clients map to "authenticate again". Who may do what is RLS's matter.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../app/types.ts";
import { httpErrors } from "../../errors/api-error.ts";

export const requireUser = () =>
  createMiddleware<AppEnv>(async function requireUser(c, next) {
    if (c.var.claims.role === "anon") throw httpErrors.unauthorized("Authentication required", "not_authenticated");
    await next();
  });
