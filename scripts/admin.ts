// `npm run admin -- <command>`: administer users, organizations and analysts of the running
// embedded stack, or of a hosted project (SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, DATABASE_URL).
import { parseArgs } from "node:util";
import { analystGrant } from "./admin/analysts.ts";
import { UsageError, type AdminCommand } from "./admin/command.ts";
import { connectAdmin } from "./admin/context.ts";
import { doiRetry, doiStatus } from "./admin/doi.ts";
import { mail } from "./admin/mail.ts";
import { addMember, createOrg, listOrgs } from "./admin/organizations.ts";
import { createUser, listUsers } from "./admin/users.ts";

const commands: Record<string, AdminCommand> = {
  "create-user": createUser,
  "list-users": listUsers,
  "create-org": createOrg,
  "add-member": addMember,
  "list-orgs": listOrgs,
  mail,
  "analyst-grant": analystGrant,
  "doi-status": doiStatus,
  "doi-retry": doiRetry,
};

function help(): string {
  const width = Math.max(...Object.values(commands).map((command) => command.usage.length));
  return [
    "usage: npm run admin -- <command> [options]",
    "",
    ...Object.values(commands).map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help") {
    console.log(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  let context;
  try {
    const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true });
    context = connectAdmin();
    await command.run(context, { values, positionals });
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`${(error as Error).message}\nusage: npm run admin -- ${command.usage}`);
      return 2;
    }
    throw error;
  } finally {
    await context?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
