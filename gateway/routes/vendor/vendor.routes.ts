// The current server's cloud-vendor features: MATLAB BYOL licences on AWS network interfaces and AWS
// compute pipelines (contract R11–R14, R47–R54), and the dataset search no client calls (R55). This
// deployment offers none of them: it answers what the clients can live with (no licence registered,
// nothing to clear) and 501 for everything else.
import { createRoute, z } from "@hono/zod-openapi";
import type { RouteConfig } from "@hono/zod-openapi";
import { errorResponse } from "../../errors/api-error.ts";

const notOfferedResponse = errorResponse("Not offered by this deployment");

export const matlabLicenseStatusSchema = z
  .object({
    mode: z.null().openapi({ description: "No licence is ever registered here" }),
    eniId: z.null(),
    macAddress: z.null(),
    subnetId: z.null(),
    registeredAt: z.null(),
    files: z.array(z.string()).max(0).openapi({ description: "Registered licence files: always none" }),
    instructions: z.string(),
  })
  .openapi("MatlabLicenseStatus");

export const getMatlabLicense = createRoute({
  method: "get",
  path: "/users/me/matlab-license",
  tags: ["MATLAB licence"],
  summary: "The caller's MATLAB licence registration: always none here",
  responses: {
    200: { description: "No registration", content: { "application/json": { schema: matlabLicenseStatusSchema } } },
    401: errorResponse("No token, or a token that is not valid any more"),
  },
});

export const clearMatlabLicense = createRoute({
  method: "delete",
  path: "/users/me/matlab-license",
  tags: ["MATLAB licence"],
  summary: "Clear the caller's MATLAB licence registration: there is none, so nothing to do",
  request: { query: z.object({ release: z.string().optional() }) },
  responses: {
    204: { description: "Nothing registered (any more)" },
    401: errorResponse("No token, or a token that is not valid any more"),
  },
});

const notOffered = <M extends RouteConfig["method"], P extends string>(tag: string, method: M, path: P, summary: string) =>
  createRoute({ method, path, tags: [tag], summary: `${summary} (not offered)`, responses: { 501: notOfferedResponse } });

export const matlabLicenseNotOffered = [
  notOffered("MATLAB licence", "post", "/users/me/matlab-license", "Allocate a MAC address for a dedicated licence"),
  notOffered("MATLAB licence", "put", "/users/me/matlab-license", "Upload a licence file"),
];

// /compute/start before /compute/{sessionId} (contract 2, route-matching hazards).
export const computeNotOffered = [
  notOffered("Compute", "post", "/compute/start", "Start a pipeline"),
  notOffered("Compute", "get", "/compute", "List compute sessions"),
  notOffered("Compute", "get", "/compute/{sessionId}", "A compute session"),
  notOffered("Compute", "post", "/compute/{sessionId}/stage/{stageId}", "Trigger a stage"),
  notOffered("Compute", "post", "/compute/{sessionId}/advance", "Advance a session"),
  notOffered("Compute", "delete", "/compute/{sessionId}", "Abort a session (MATLAB)"),
  notOffered("Compute", "post", "/compute/{sessionId}/abort", "Abort a session (Python)"),
  notOffered("Compute", "post", "/compute/{sessionId}/finalize", "Finalize a session"),
];

export const datasetSearchNotOffered = notOffered("Datasets", "post", "/datasets/search", "Search datasets");
