// Every route area, mounted under /v1 in this order. Order matters where paths overlap (contract 2,
// "route-matching hazards"): literal segments such as /datasets/published come before /datasets/{id}.
import type { AppRouter } from "../app/types.ts";
import { authRouter, tokenIgnoringRoutes as authTokenIgnoringRoutes } from "./auth/auth.index.ts";
import { datasetsRouter } from "./datasets/datasets.index.ts";
import { bulkUploadsRouter } from "./bulk-uploads/bulk-uploads.index.ts";
import { documentsRouter } from "./documents/documents.index.ts";
import { filesRouter } from "./files/files.index.ts";
import { healthRouter } from "./health/health.index.ts";
import { ndiqueryRouter } from "./ndiquery/ndiquery.index.ts";
import { organizationsRouter } from "./organizations/organizations.index.ts";
import { tokenIgnoringRoutes as usersTokenIgnoringRoutes, usersRouter } from "./users/users.index.ts";
import { vendorRouter } from "./vendor/vendor.index.ts";

// vendorRouter holds POST /datasets/search, so it comes before the datasets router.
export const routers: readonly AppRouter[] = [healthRouter, authRouter, usersRouter, vendorRouter, bulkUploadsRouter, filesRouter, documentsRouter, ndiqueryRouter, organizationsRouter, datasetsRouter];

/** Paths under /v1 that ignore any Authorization header (contract 12.10: MATLAB sends stale tokens). */
export const tokenIgnoringPaths: readonly string[] = [...authTokenIgnoringRoutes, ...usersTokenIgnoringRoutes].map((route) => route.path);
