// The mail sink the embedded Auth server writes to when no SMTP server is configured.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer, readMail } from "../../embedded/mail/index.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let sql: postgres.Sql;

beforeAll(async () => {
  database = await createTestDatabase();
  sql = postgres(database.adminUrl, { onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await database.drop();
});

describe("the database mail sink", () => {
  it("stores messages and reads them back newest first, by address regardless of case", async () => {
    const mailer = createMailer({ sql });
    expect(mailer.describe()).toBe("mail sink: table local_mail.messages (npm run admin -- mail)");
    await mailer.send({ to: "Ada@Example.org", subject: "first", text: "one", kind: "signup", actionLink: "http://x/verify?token=a", otp: "123456" });
    await mailer.send({ to: "grace@example.org", subject: "other", text: "two", html: "<p>two</p>", kind: "recovery" });
    await mailer.send({ to: "ada@example.org", subject: "second", text: "three", kind: "magiclink" });

    const ada = await readMail(sql, { to: "ADA@example.org" });
    expect(ada.map((message) => message.subject)).toEqual(["second", "first"]);
    expect(ada[1]).toEqual({
      id: expect.any(Number),
      sentAt: expect.any(Date),
      to: "Ada@Example.org",
      subject: "first",
      text: "one",
      kind: "signup",
      actionLink: "http://x/verify?token=a",
      otp: "123456",
    });
    expect(ada[0]).not.toHaveProperty("html");
    expect(ada[0]).not.toHaveProperty("otp");

    expect((await readMail(sql)).map((message) => message.subject)).toEqual(["second", "other", "first"]);
    expect(await readMail(sql, { limit: 1 })).toHaveLength(1);
    expect((await readMail(sql, { to: "grace@example.org" }))[0]!.html).toBe("<p>two</p>");
  });

  it("keeps the sink away from the API roles", async () => {
    await expect(
      sql.begin(async (tx) => {
        await tx`set local role authenticated`;
        await tx`select * from local_mail.messages`;
      }),
    ).rejects.toThrow(/permission denied/);
  });
});
