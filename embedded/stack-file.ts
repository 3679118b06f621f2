// A running `npm start` leaves its URLs and keys in <data dir>/stack.json (mode 600) so that
// `npm run admin` and `npm run db:migrate` reach it without env vars.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_ROOT } from "./migrations.ts";

export interface StackFile {
  supabaseUrl: string;
  gatewayUrl: string;
  databaseUrl: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  pid: number;
}

/** The embedded stack's data directory: NDI_DATA_DIR, else .data in the project. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(PROJECT_ROOT, env.NDI_DATA_DIR ?? ".data");
}

const stackFilePath = (dataDir: string) => path.join(dataDir, "stack.json");

export function writeStackFile(dataDir: string, contents: StackFile): void {
  writeFileSync(stackFilePath(dataDir), JSON.stringify(contents, null, 2) + "\n", { mode: 0o600 });
}

export function removeStackFile(dataDir: string): void {
  rmSync(stackFilePath(dataDir), { force: true });
}

/** The stack file of a process that is still running, else undefined. */
export function readStackFile(dataDir: string): StackFile | undefined {
  const file = stackFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  const stack = JSON.parse(readFileSync(file, "utf8")) as StackFile;
  return isAlive(stack.pid) ? stack : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
