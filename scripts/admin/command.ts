import type { ParseArgsConfig } from "node:util";
import type { AdminContext } from "./context.ts";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface AdminCommand {
  usage: string;
  summary: string;
  options: OptionSpec;
  /** Prints its result; throws UsageError for bad arguments. */
  run: (context: AdminContext, args: { values: OptionValues; positionals: string[] }) => Promise<void>;
}

export function requireOption(values: OptionValues, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${name} is required`);
  return value.trim();
}

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}
