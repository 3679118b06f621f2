// One embedded Postgres for the whole run, with a migrated template database that every test
// file clones (CREATE DATABASE … TEMPLATE) so files run isolated and in parallel.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { applyBootstrap, applyMigrations } from "../../embedded/migrations.ts";
import { startEmbeddedPostgres } from "../../embedded/postgres.ts";
import { findFreePort } from "../../embedded/net.ts";
import { setAuthenticatorPassword } from "../../embedded/authenticator.ts";
import { TEST_AUTHENTICATOR_PASSWORD } from "./database.ts";

export const TEMPLATE_DATABASE = "ndi_template";

declare module "vitest" {
  export interface ProvidedContext {
    postgresPort: number;
    postgresPassword: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(path.join(os.tmpdir(), "ndi-test-"));
  chmodSync(root, 0o755); // Postgres runs as the OS user `postgres` when we are root.
  const password = "postgres";
  const server = await startEmbeddedPostgres({ dataDir: path.join(root, "pg"), port: await findFreePort(), password });
  try {
    const admin = postgres(server.adminUrl(), { onnotice: () => {} });
    await admin`create database ${admin(TEMPLATE_DATABASE)}`;
    await admin.end();
    const template = postgres(server.adminUrl(TEMPLATE_DATABASE), { max: 4, onnotice: () => {} });
    await applyBootstrap(template);
    await applyMigrations(template);
    // `authenticator` is cluster-wide: set its password once here, never per test file, or
    // files running in parallel would lock each other's gateway pools out.
    await setAuthenticatorPassword(template, TEST_AUTHENTICATOR_PASSWORD);
    await template.end();
  } catch (error) {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  project.provide("postgresPort", server.port);
  project.provide("postgresPassword", password);
  return async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  };
}
