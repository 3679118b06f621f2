/**
 * Splits a SQL script into statements the way the supabase CLI records them in
 * `supabase_migrations.schema_migrations.statements`: on top-level semicolons, ignoring those
 * inside quotes, dollar-quoted bodies and comments.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;

  const skipUntil = (terminator: string, from: number): number => {
    const end = script.indexOf(terminator, from);
    return end === -1 ? n : end + terminator.length;
  };

  while (i < n) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === "-" && next === "-") {
      i = skipUntil("\n", i + 2);
    } else if (ch === "/" && next === "*") {
      i = skipBlockComment(script, i);
    } else if (ch === "'") {
      const escapes = /[eE]/.test(script[i - 1] ?? "") && !/[\w$]/.test(script[i - 2] ?? "");
      i = skipQuoted(script, i, "'", escapes);
    } else if (ch === '"') {
      i = skipQuoted(script, i, '"', false);
    } else if (ch === "$" && !/[\w$]/.test(script[i - 1] ?? "")) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i));
      i = tag ? skipUntil(tag[0], i + tag[0].length) : i + 1;
    } else if (ch === ";") {
      pushStatement(statements, script.slice(start, i));
      start = i + 1;
      i += 1;
    } else {
      i += 1;
    }
  }
  pushStatement(statements, script.slice(start));
  return statements;
}

function pushStatement(statements: string[], text: string): void {
  if (stripComments(text).trim() !== "") statements.push(text.trim());
}

function stripComments(text: string): string {
  return text.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

function skipBlockComment(script: string, from: number): number {
  // Postgres block comments nest.
  let depth = 0;
  let i = from;
  while (i < script.length) {
    if (script.startsWith("/*", i)) {
      depth += 1;
      i += 2;
    } else if (script.startsWith("*/", i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return i;
}

function skipQuoted(script: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < script.length) {
    const ch = script[i];
    if (backslashEscapes && ch === "\\") {
      i += 2;
    } else if (ch === quote) {
      if (script[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return i;
}
