import type { Context } from "hono";
import type { AppEnv } from "../../app/types.ts";
import { httpErrors } from "../../errors/api-error.ts";

/** Routes the contract marks "Bearer required" answer anonymous callers 401, the clients' "log in again". */
export function requireLogin(c: Context<AppEnv>): void {
  if (!c.var.accessToken) throw httpErrors.unauthorized("Log in first: this route needs a bearer token", "authentication_required");
}
