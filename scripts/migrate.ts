// `npm run db:migrate`: applies pending supabase/migrations. Against DATABASE_URL when set (the
// compat bootstrap is then skipped: a Supabase database already has it; prefer `supabase db push`
// for hosted projects), otherwise against the embedded cluster in the data directory.
import path from "node:path";
import postgres from "postgres";
import { applyBootstrap, applyMigrations, listAppliedMigrations } from "../embedded/migrations.ts";
import { startEmbeddedPostgres } from "../embedded/postgres.ts";
import { loadProjectConfig } from "../embedded/project-config.ts";
import { readStackFile, resolveDataDir } from "../embedded/stack-file.ts";

async function migrate(url: string, bootstrap: boolean): Promise<void> {
  const sql = postgres(url, { max: 3, onnotice: () => {} });
  try {
    if (bootstrap) await applyBootstrap(sql);
    const applied = await applyMigrations(sql);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "no pending migrations");
    const all = await listAppliedMigrations(sql);
    for (const migration of all) console.log(`  ${migration.version}  ${migration.name}`);
  } finally {
    await sql.end();
  }
}

const dataDir = resolveDataDir();
if (process.env.DATABASE_URL) {
  await migrate(process.env.DATABASE_URL, false);
} else {
  const running = readStackFile(dataDir);
  if (running) {
    await migrate(running.databaseUrl, true);
  } else {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: loadProjectConfig().db.port });
    try {
      await migrate(pg.adminUrl(), true);
    } finally {
      await pg.stop();
    }
  }
}
