import type { AppRouteHandler } from "../../app/types.ts";
import type { HealthRoute } from "./health.routes.ts";

export const health: AppRouteHandler<HealthRoute> = async (c) => {
  try {
    await c.var.db((tx) => tx`select 1`);
  } catch (error) {
    c.var.logger.warn({ err: error }, "health check: the database did not answer");
    return c.json({ status: "unavailable", database: "unreachable" } as const, 503);
  }
  return c.json({ status: "ok", database: "ok" } as const, 200);
};
