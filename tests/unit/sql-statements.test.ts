import { describe, expect, it } from "vitest";
import { splitSqlStatements } from "../../embedded/sql-statements.ts";

describe("splitSqlStatements", () => {
  it("splits on top-level semicolons and drops comment-only pieces", () => {
    expect(splitSqlStatements("select 1; -- trailing\nselect 2;\n/* done */")).toEqual([
      "select 1",
      "-- trailing\nselect 2",
    ]);
  });

  it("keeps semicolons inside strings, identifiers, comments and dollar quotes", () => {
    const script = `
      insert into t values ('a;b', 'it''s; fine', E'back\\\\'';');
      create table "we;ird" (x int);
      /* a; /* nested; */ still; */ select 3;
      create function f() returns int language sql as $body$ select 1; select 2 $body$;
      do $$ begin perform 1; end $$;`;
    const statements = splitSqlStatements(script);
    expect(statements).toHaveLength(5);
    expect(statements[0]).toContain("E'back\\\\'';')");
    expect(statements[2]).toMatch(/still; \*\/ select 3$/);
    expect(statements[3]).toMatch(/\$body\$ select 1; select 2 \$body\$$/);
    expect(statements[4]).toBe("do $$ begin perform 1; end $$");
  });

  it("does not take a positional parameter or identifier ending in $ for a dollar quote", () => {
    expect(splitSqlStatements("select $1; select a$b$ from t;")).toEqual(["select $1", "select a$b$ from t"]);
  });
});
