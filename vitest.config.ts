import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Edge Functions import `npm:pkg@version` as Deno does; in-process they resolve from node_modules.
    alias: [{ find: /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/, replacement: "$1$2" }],
  },
  test: {
    include: ["tests/**/*.test.ts", "gateway/**/*.test.ts", "embedded/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    reporters: ["default", "./tests/support/summary-reporter.ts"],
    pool: "forks",
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
