// Edge Functions import packages as Deno does: `npm:<name>@<range>[/subpath]`. In this process
// they come from the project's node_modules (the version installed there, whatever the range),
// so a resolve hook turns the specifier into the bare package name before Node resolves it.
// Tests get the same rewrite from the alias in vitest.config.ts.
import { registerHooks } from "node:module";

const NPM_SPECIFIER = /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/;

/** `npm:@supabase/supabase-js@2` → `@supabase/supabase-js`; undefined for anything else. */
export function bareSpecifier(specifier: string): string | undefined {
  const match = NPM_SPECIFIER.exec(specifier);
  return match ? match[1] + (match[2] ?? "") : undefined;
}

let registered = false;

export function resolveNpmSpecifiers(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve: (specifier, context, nextResolve) => nextResolve(bareSpecifier(specifier) ?? specifier, context),
  });
}
