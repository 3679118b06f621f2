// analyst-grant: a read-only SQL login that sees exactly what one user sees through the API.
import { UsageError, type AdminCommand } from "./command.ts";

export const analystGrant: AdminCommand = {
  usage: "analyst-grant <email>",
  summary: "create (or reset) a read-only SQL login for a user; prints its connection string",
  options: {},
  async run(context, { positionals }) {
    const [email] = positionals;
    if (!email) throw new UsageError("give the user's e-mail");
    const [login] = await context.sql<{ role_name: string; password: string }[]>`
      select role_name, password from public.grant_analyst_login(${email})`;
    const url = new URL(context.databaseUrl);
    url.username = login!.role_name;
    url.password = login!.password;
    console.log(url.toString());
  },
};
