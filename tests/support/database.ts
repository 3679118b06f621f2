// Per-test-file databases cloned from the migrated template made in global-setup.ts.
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";

const TEMPLATE_DATABASE = "ndi_template";
/** Set once by global-setup.ts for the whole cluster. */
export const TEST_AUTHENTICATOR_PASSWORD = "authenticator-test-password";

export interface TestDatabase {
  name: string;
  /** Superuser URL of this test database (what migrations and the embedded services use). */
  adminUrl: string;
  /** URL of this database for another login role, e.g. an analyst's. */
  urlFor: (user: string, password: string) => string;
  /** URL of this database as the gateway's NOINHERIT login role `authenticator`. */
  authenticatorUrl: string;
  drop: () => Promise<void>;
}

function clusterUrl(database: string, user = "postgres", password = inject("postgresPassword")): string {
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${inject("postgresPort")}/${database}`;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(clusterUrl("postgres"), { max: 1, onnotice: () => {} });
  try {
    await admin`create database ${admin(name)} template ${admin(TEMPLATE_DATABASE)}`;
  } finally {
    await admin.end();
  }
  return {
    name,
    adminUrl: clusterUrl(name),
    urlFor: (user, password) => clusterUrl(name, user, password),
    authenticatorUrl: clusterUrl(name, "authenticator", TEST_AUTHENTICATOR_PASSWORD),
    drop: async () => {
      const sql = postgres(clusterUrl("postgres"), { max: 1, onnotice: () => {} });
      try {
        await sql`drop database if exists ${sql(name)} with (force)`;
      } finally {
        await sql.end();
      }
    },
  };
}
