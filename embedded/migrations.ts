// Applies the Supabase-compatibility bootstrap (embedded mode only) and supabase/migrations,
// recording each migration in supabase_migrations.schema_migrations exactly as the supabase CLI
// does, so `supabase migration list` agrees and `supabase db push` deploys the same files.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { splitSqlStatements } from "./sql-statements.ts";

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");
export const BOOTSTRAP_DIR = path.join(PROJECT_ROOT, "sql", "bootstrap");
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, "supabase", "migrations");

const MIGRATION_FILE = /^([0-9]+)_(.*)\.sql$/;
// Any constant works; it only has to be the same for every process migrating this cluster.
const MIGRATION_LOCK_KEY = 7_340_251_118;

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
}

export function listMigrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: MIGRATION_FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({ version: match[1]!, name: match[2]!, file: path.join(dir, file) }))
    .sort((a, b) => a.version.localeCompare(b.version));
}

/** Runs every bootstrap file; they are idempotent, so a newer bootstrap also reaches old data dirs. */
export async function applyBootstrap(sql: postgres.Sql, dir = BOOTSTRAP_DIR): Promise<void> {
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).sort();
  await withMigrationLock(sql, async () => {
    for (const file of files) {
      const script = readFileSync(path.join(dir, file), "utf8");
      await sql.begin((tx) => tx.unsafe(script)).catch((error: unknown) => {
        throw new Error(`bootstrap ${file} failed: ${describe(error)}`);
      });
    }
  });
}

/** Applies pending migrations in version order; returns the versions applied now. */
export async function applyMigrations(sql: postgres.Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const applied: string[] = [];
  await withMigrationLock(sql, async () => {
    await ensureHistoryTable(sql);
    const done = new Set(
      (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map(
        (row) => row.version,
      ),
    );
    for (const migration of listMigrationFiles(dir)) {
      if (done.has(migration.version)) continue;
      const script = readFileSync(migration.file, "utf8");
      await sql
        .begin(async (tx) => {
          await tx.unsafe(script);
          await tx`
            insert into supabase_migrations.schema_migrations (version, name, statements)
            values (${migration.version}, ${migration.name}, ${splitSqlStatements(script)})`;
        })
        .catch((error: unknown) => {
          throw new Error(`migration ${path.basename(migration.file)} failed: ${describe(error)}`);
        });
      applied.push(migration.version);
    }
  });
  return applied;
}

export async function listAppliedMigrations(sql: postgres.Sql): Promise<{ version: string; name: string }[]> {
  await ensureHistoryTable(sql);
  return sql<{ version: string; name: string }[]>`
    select version, coalesce(name, '') as name from supabase_migrations.schema_migrations order by version`;
}

async function ensureHistoryTable(sql: postgres.Sql): Promise<void> {
  // Same DDL as the CLI (pkg/migration/history.go), column order version, statements, name.
  await sql.unsafe(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
    alter table supabase_migrations.schema_migrations add column if not exists statements text[];
    alter table supabase_migrations.schema_migrations add column if not exists name text;
  `);
}

async function withMigrationLock<T>(sql: postgres.Sql, work: () => Promise<T>): Promise<T> {
  // Session-level lock held on a reserved connection while `work` uses the pool's others.
  const lockConnection = await sql.reserve();
  await lockConnection`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
  try {
    return await work();
  } finally {
    await lockConnection`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    lockConnection.release();
  }
}

function describe(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) {
    const e = error as { message: string; position?: string; detail?: string; hint?: string };
    return [e.message, e.detail, e.hint && `hint: ${e.hint}`, e.position && `at character ${e.position}`]
      .filter(Boolean)
      .join("; ");
  }
  return String(error);
}
