// Every route area, mounted under /v1 in this order. Order matters where paths overlap (contract 2,
// "route-matching hazards"): literal segments such as /datasets/published come before /datasets/{id}.
import type { AppRouter } from "../app/types.ts";
import { filesRouter } from "./files/files.index.ts";
import { healthRouter } from "./health/health.index.ts";

export const routers: readonly AppRouter[] = [healthRouter, filesRouter];
