// GET /v1/openapi.json is generated from the registered routes' zod schemas (OpenAPI 3.1), and
// GET /v1/docs renders it with Scalar. Nothing here is written by hand except the preamble.
import { Scalar } from "@scalar/hono-api-reference";
import packageJson from "../../package.json" with { type: "json" };
import type { GatewayConfig } from "./env.ts";
import type { AppRouter } from "./types.ts";

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

export function configureOpenApi(api: AppRouter, { publicUrl }: Pick<GatewayConfig, "publicUrl">): void {
  api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The token from POST /auth/login (a Supabase access token). Omit it to browse public data.",
  });
  api.doc31(OPENAPI_PATH, (c) => ({
    openapi: "3.1.0",
    info: {
      title: "NDI Cloud API",
      version: packageJson.version,
      description: "The /v1 REST contract the NDI clients (NDI-python, NDI-matlab, the data browser) speak.",
    },
    servers: [{ url: publicUrl ?? `${new URL(c.req.url).origin}/v1` }],
    // A token where the route needs one; anonymous callers read public data (contract 1.5).
    security: [{ bearerAuth: [] }, {}] as Record<string, string[]>[],
  }));
  // Relative, so the page works behind any proxy prefix.
  api.get(DOCS_PATH, Scalar({ url: OPENAPI_PATH.slice(1), pageTitle: "NDI Cloud API reference" }));
}
